package io.streamlearn.ingest.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files in the MNIST layout: a big-endian magic ({@code 0x00000803} for unsigned-byte images of
 * rank 3, {@code 0x00000801} for unsigned-byte labels of rank 1), big-endian dimension sizes, then the data.
 * Gzip-compressed files are recognised by their content and decompressed on the fly. Pixels are scaled from
 * 0-255 to [0, 1]. A wrong magic, a truncated file or trailing bytes fail with a message naming the file.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    public static Dataset read(String name, Path images, Path labels) throws IOException {
        float[][] features = readImages(images);
        int[] classes = readLabels(labels);
        if (features.length != classes.length) {
            throw new IOException(images + " holds " + features.length + " images but " + labels + " holds "
                    + classes.length + " labels");
        }
        return new Dataset(name, features, classes);
    }

    /** One row per image, its rows × columns pixels in row-major order, scaled to [0, 1]. */
    public static float[][] readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(in, file, IMAGES_MAGIC, "images");
            int count = dimension(in, file, "image count");
            int pixels = Math.multiplyExact(dimension(in, file, "rows"), dimension(in, file, "columns"));
            float[][] out = new float[count][pixels];
            byte[] row = new byte[pixels];
            for (int i = 0; i < count; i++) {
                readFully(in, row, file, i, count, "image");
                for (int j = 0; j < pixels; j++) {
                    out[i][j] = (row[j] & 0xff) / 255f;
                }
            }
            checkEnd(in, file);
            return out;
        }
    }

    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(in, file, LABELS_MAGIC, "labels");
            int count = dimension(in, file, "label count");
            byte[] raw = new byte[count];
            readFully(in, raw, file, -1, count, "label");
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = raw[i] & 0xff;
            }
            checkEnd(in, file);
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in);
        } catch (IOException e) {
            in.close();
            throw new IOException("cannot open IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkMagic(DataInputStream in, Path file, int expected, String what) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + " is not an IDX file: shorter than its 4-byte magic number", e);
        }
        if (magic != expected) {
            throw new IOException(String.format("%s is not an IDX %s file: magic number 0x%08x, expected 0x%08x",
                    file, what, magic, expected));
        }
    }

    private static int dimension(DataInputStream in, Path file, String what) throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: its header ends before the " + what, e);
        }
        if (n < 0) {
            throw new IOException(file + " has a negative " + what + " (" + n + ")");
        }
        return n;
    }

    private static void readFully(DataInputStream in, byte[] buf, Path file, int index, int count, String what)
            throws IOException {
        try {
            in.readFully(buf);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: the header announces " + count + " " + what + "s but the data"
                    + (index < 0 ? " ends early" : " ends in " + what + " " + index), e);
        }
    }

    private static void checkEnd(DataInputStream in, Path file) throws IOException {
        if (in.read() >= 0) {
            throw new IOException(file + " has bytes after the data its header announces");
        }
    }
}
