package io.streamlearn.ingest.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Locates Fashion-MNIST (same 28×28 shape and 10 classes as MNIST, clothes instead of digits) as installed by
 * the Debian package {@code dataset-fashion-mnist}: four gzip-compressed IDX files that {@link IdxReader} reads.
 */
public final class FashionMnist {
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    private static final String INSTALL = "sudo apt-get install " + DEBIAN_PACKAGE;

    private FashionMnist() {
    }

    /** Asks {@code dpkg -L} where the package put its files. */
    public static IdxFiles locate() throws IOException {
        Command listing;
        try {
            listing = Command.run(List.of("dpkg", "-L", DEBIAN_PACKAGE), null, Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new IOException("cannot run dpkg to find Fashion-MNIST (it comes as a Debian package): "
                    + e.getMessage() + "; on Debian: " + INSTALL, e);
        }
        if (listing.exitCode() != 0) {
            throw new IOException("Debian package " + DEBIAN_PACKAGE + " is not installed; install it with: " + INSTALL);
        }
        return fromListing(listing.output().lines().toList());
    }

    /** Picks the four IDX files out of a package's file list, as {@code dpkg -L} prints it. */
    static IdxFiles fromListing(List<String> paths) throws IOException {
        return new IdxFiles("fashion-mnist", find(paths, "train-images-idx3-ubyte.gz"),
                find(paths, "train-labels-idx1-ubyte.gz"), find(paths, "t10k-images-idx3-ubyte.gz"),
                find(paths, "t10k-labels-idx1-ubyte.gz"));
    }

    private static Path find(List<String> paths, String fileName) throws IOException {
        for (String line : paths) {
            Path p = Path.of(line.trim());
            if (p.getFileName() != null && p.getFileName().toString().equals(fileName) && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException(DEBIAN_PACKAGE + " is installed but its " + fileName + " is missing; reinstall it: "
                + "sudo apt-get install --reinstall " + DEBIAN_PACKAGE);
    }
}
