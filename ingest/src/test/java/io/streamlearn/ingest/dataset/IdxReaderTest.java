package io.streamlearn.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void shouldReadImagesScaledToUnitRangeAndLabels(boolean gzip) throws IOException {
        Path images = IdxFixtures.write(dir.resolve("images"), IdxFixtures.images(12, 3, 2), gzip);
        Path labels = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(12), gzip);

        Dataset data = IdxReader.read("tiny", images, labels);

        assertThat(data.size()).isEqualTo(12);
        assertThat(data.inputSize()).isEqualTo(6);
        assertThat(data.features()[2]).containsExactly(14 / 255f, 15 / 255f, 16 / 255f, 17 / 255f, 18 / 255f,
                19 / 255f);
        assertThat(data.labels()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
    }

    @Test
    void shouldScaleFullByteRange() throws IOException {
        Path images = IdxFixtures.write(dir.resolve("images"), IdxFixtures.images(37, 1, 7), false);

        float[][] pixels = IdxReader.readImages(images);

        float[] all = new float[pixels.length * 7];
        for (int i = 0; i < pixels.length; i++) {
            System.arraycopy(pixels[i], 0, all, i * 7, 7);
        }
        Arrays.sort(all);
        assertThat(all[0]).isZero();
        assertThat(all[all.length - 1]).isEqualTo(1f);
    }

    @Test
    void shouldRejectBadMagicNamingFileAndNumbers() throws IOException {
        Path labelsAsImages = IdxFixtures.write(dir.resolve("labels"), IdxFixtures.labels(3), false);

        assertThatThrownBy(() -> IdxReader.readImages(labelsAsImages))
                .isInstanceOf(IOException.class)
                .hasMessage(labelsAsImages + " is not an IDX images file: magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void shouldRejectTruncatedData() throws IOException {
        byte[] full = IdxFixtures.images(5, 2, 2);
        Path cut = IdxFixtures.write(dir.resolve("cut"), Arrays.copyOf(full, full.length - 3), true);

        assertThatThrownBy(() -> IdxReader.readImages(cut))
                .hasMessage(cut + " is truncated: the header announces 5 images but the data ends in image 4");
    }

    @Test
    void shouldRejectTruncatedHeaderAndLabels() throws IOException {
        Path header = IdxFixtures.write(dir.resolve("header"), Arrays.copyOf(IdxFixtures.images(1, 2, 2), 10), false);
        byte[] labels = IdxFixtures.labels(9);
        Path shortLabels = IdxFixtures.write(dir.resolve("labels"), Arrays.copyOf(labels, labels.length - 1), false);

        assertThatThrownBy(() -> IdxReader.readImages(header)).hasMessageContaining("truncated: its header ends");
        assertThatThrownBy(() -> IdxReader.readLabels(shortLabels))
                .hasMessage(shortLabels + " is truncated: the header announces 9 labels but the data ends early");
    }

    @Test
    void shouldRejectTrailingBytesAndCountMismatch() throws IOException {
        byte[] labels = IdxFixtures.labels(4);
        Path trailing = IdxFixtures.write(dir.resolve("trailing"), Arrays.copyOf(labels, labels.length + 1), false);
        Path images = IdxFixtures.write(dir.resolve("images"), IdxFixtures.images(3, 2, 2), false);
        Path four = IdxFixtures.write(dir.resolve("four"), labels, false);

        assertThatThrownBy(() -> IdxReader.readLabels(trailing)).hasMessageContaining("bytes after the data");
        assertThatThrownBy(() -> IdxReader.read("x", images, four)).hasMessageContaining("3 images but")
                .hasMessageContaining("4 labels");
    }

    @Test
    void shouldRejectEmptyFile() throws IOException {
        Path empty = IdxFixtures.write(dir.resolve("empty"), new byte[0], false);

        assertThatThrownBy(() -> IdxReader.readLabels(empty)).hasMessageContaining("shorter than its 4-byte magic");
    }
}
