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

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void shouldPickTheFourFilesFromThePackageListing() throws IOException {
        List<String> names = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        for (String n : names) {
            Files.createFile(dir.resolve(n));
        }
        List<String> listing = List.of("/.", "/usr/share/doc/dataset-fashion-mnist", dir + "/" + names.get(2),
                dir + "/" + names.get(0), dir + "/" + names.get(3), dir + "/" + names.get(1));

        IdxFiles files = FashionMnist.fromListing(listing);

        assertThat(files.trainImages()).isEqualTo(dir.resolve(names.get(0)));
        assertThat(files.testLabels()).isEqualTo(dir.resolve(names.get(3)));
    }

    @Test
    void shouldNameTheMissingFile() {
        assertThatThrownBy(() -> FashionMnist.fromListing(List.of("/usr/share/doc/x")))
                .hasMessageContaining("train-images-idx3-ubyte.gz is missing");
    }

    @Test
    void shouldTellHowToInstallWhenThePackageIsAbsent() throws IOException {
        assumeTrue(dpkgKnows(false), "needs dpkg without the package");

        assertThatThrownBy(FashionMnist::locate)
                .hasMessageContaining("sudo apt-get install " + FashionMnist.DEBIAN_PACKAGE);
    }

    @Test
    void shouldReadTheInstalledPackage() throws IOException {
        assumeTrue(dpkgKnows(true), "needs dpkg with the package installed");

        Dataset test = FashionMnist.locate().readTest();

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.inputSize()).isEqualTo(784);
    }

    /** Whether dpkg is there and the package is (or is not) installed. */
    private static boolean dpkgKnows(boolean installed) throws IOException {
        Command dpkg = Command.run(List.of("sh", "-c", "command -v dpkg && dpkg -s " + FashionMnist.DEBIAN_PACKAGE),
                null, Duration.ofSeconds(30));
        return dpkg.output().contains("/dpkg") && (dpkg.exitCode() == 0) == installed;
    }
}
