package io.streamlearn.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.replay.DriftInjector.Example;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriftInjectorTest {
    private static final int SIDE = 28;

    private static float[] imageWithPixel(int row, int col) {
        float[] image = new float[SIDE * SIDE];
        image[row * SIDE + col] = 1f;
        return image;
    }

    private static int litPixel(float[] image) {
        for (int i = 0; i < image.length; i++) {
            if (image[i] != 0f) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldShiftLabelsModuloClassesFromTheIndexOn() {
        DriftInjector permute = DriftInjector.labelPermutation(100, 3, 10);
        Example seven = new Example(new float[] {1f}, 7);

        assertThat(permute.apply(99, seven)).isSameAs(seven);
        assertThat(permute.apply(100, seven).label()).isEqualTo(0);
        assertThat(permute.apply(5000, new Example(new float[] {1f}, 2)).label()).isEqualTo(5);
        assertThat(DriftInjector.labelPermutation(0, -1, 10).apply(0, new Example(new float[] {1f}, 0)).label())
                .isEqualTo(9);
        assertThat(permute.apply(100, seven).features()).isSameAs(seven.features());
    }

    @Test
    void shouldRotateA28x28ImageCounterClockwiseBy90Degrees() {
        DriftInjector rotate = DriftInjector.rotation(10, 90, SIDE, SIDE);
        Example topRight = new Example(imageWithPixel(0, 27), 4);

        Example turned = rotate.apply(10, topRight);

        assertThat(litPixel(turned.features())).as("top right goes to top left").isEqualTo(0);
        assertThat(turned.label()).isEqualTo(4);
        assertThat(litPixel(rotate.apply(11, new Example(imageWithPixel(27, 0), 4)).features()))
                .as("bottom left goes to bottom right").isEqualTo(27 * SIDE + 27);
        assertThat(rotate.apply(9, topRight)).isSameAs(topRight);
        assertThat(litPixel(topRight.features())).as("input untouched").isEqualTo(27);
    }

    @Test
    void shouldRotateByArbitraryAnglesWithNearestNeighbours() {
        float[] image = new float[SIDE * SIDE];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i % 7) / 7f;
        }
        Example e = new Example(image, 1);

        float[] full = DriftInjector.rotation(0, 360, SIDE, SIDE).apply(0, e).features();
        float[] half = DriftInjector.rotation(0, 180, SIDE, SIDE).apply(0, e).features();
        float[] tilted = DriftInjector.rotation(0, 45, SIDE, SIDE).apply(0, e).features();

        assertThat(full).containsExactly(image);
        assertThat(half[0]).isEqualTo(image[image.length - 1]);
        assertThat(tilted[0]).as("a corner turned by 45 degrees comes from outside the image").isZero();
        assertThat(tilted[14 * SIDE + 14]).isIn(image[13 * SIDE + 13], image[13 * SIDE + 14], image[14 * SIDE + 13],
                image[14 * SIDE + 14]);
        assertThatThrownBy(() -> DriftInjector.rotation(0, 90, SIDE, SIDE).apply(0, new Example(new float[3], 0)))
                .hasMessageContaining("28x28");
    }

    @Test
    void shouldDropTheShiftedClassesWithTheGivenProbabilityOnlyFromTheIndexOn() {
        DriftInjector prior = DriftInjector.classPriorShift(1000, Set.of(0, 1), 0.75, 42);
        int kept = 0;
        for (int i = 1000; i < 21_000; i++) {
            if (prior.apply(i, new Example(new float[] {1f}, i % 2)) != null) {
                kept++;
            }
        }

        assertThat(kept / 20_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));
        for (int i = 0; i < 1000; i++) {
            assertThat(prior.apply(i, new Example(new float[] {1f}, 0))).isNotNull();
        }
        for (int i = 1000; i < 2000; i++) {
            assertThat(prior.apply(i, new Example(new float[] {1f}, 5))).as("other classes kept").isNotNull();
        }
        assertThat(prior.apply(1234, new Example(new float[] {1f}, 0)) == null)
                .as("the same index always gives the same answer")
                .isEqualTo(prior.apply(1234, new Example(new float[] {1f}, 0)) == null);
    }

    @Test
    void shouldSwitchToTheOtherDatasetAtTheSameIndexWrappingAround() {
        Dataset fashion = new Dataset("fashion", new float[][] {{9f, 9f}, {8f, 8f}, {7f, 7f}}, new int[] {3, 4, 5});
        DriftInjector change = DriftInjector.datasetSwitch(4, fashion);
        Example digit = new Example(new float[] {0f, 1f}, 1);

        assertThat(change.apply(3, digit)).isSameAs(digit);
        assertThat(change.apply(4, digit)).isEqualTo(new Example(fashion.features()[1], 4));
        assertThat(change.apply(6, digit).label()).isEqualTo(3);
        assertThatThrownBy(() -> change.apply(5, new Example(new float[3], 0))).hasMessageContaining("features");
    }

    @Test
    void shouldChainDriftsAndParseTheirTextForm() {
        Dataset other = new Dataset("other", new float[][] {new float[SIDE * SIDE]}, new int[] {2});
        DriftInjector parsed = DriftInjector.parse("permute:1@10 + switch:other@20 + prior:3:1.0@0", 10,
                name -> {
                    assertThat(name).isEqualTo("other");
                    return other;
                });
        Example e = new Example(imageWithPixel(3, 3), 2);

        assertThat(parsed.apply(5, e)).isSameAs(e);
        assertThat(parsed.apply(10, e)).as("2 + 1 = 3, then dropped").isNull();
        assertThat(parsed.apply(20, e).label()).isEqualTo(2);
        assertThat(DriftInjector.parse("rotate:90@0", 10, n -> null).apply(0, e).features())
                .isNotEqualTo(e.features());
        assertThat(DriftInjector.chain(List.of()).apply(0, e)).isSameAs(e);
        assertThatThrownBy(() -> DriftInjector.parse("spin:90@0", 10, n -> null)).hasMessageContaining("spin");
        assertThatThrownBy(() -> DriftInjector.parse("rotate:x@0", 10, n -> null)).hasMessageContaining("number");
        assertThatThrownBy(() -> DriftInjector.parse("rotate:90", 10, n -> null)).hasMessageContaining("INDEX");
    }
}
