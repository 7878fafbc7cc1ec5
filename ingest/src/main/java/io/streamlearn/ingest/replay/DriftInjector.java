package io.streamlearn.ingest.replay;

import io.streamlearn.ingest.dataset.Dataset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Concept drift injected into a replayed stream from a given sample index on (the index of the sample in the
 * dataset being replayed): label permutation, image rotation, class-prior shift and a switch to another
 * dataset. {@link #apply} maps the example at an index to the one to send, or to null to drop it; the same index
 * always gives the same result, so a replay is reproducible.
 */
public sealed interface DriftInjector {
    /** One labeled example: its features (not to be modified: they may be the dataset's own row) and class. */
    record Example(float[] features, int label) {
    }

    /** The example to send at stream position {@code index}, or null to drop it. */
    Example apply(long index, Example example);

    /** No drift. */
    static DriftInjector none() {
        return Chain.NONE;
    }

    /** From {@code from} on, class {@code y} becomes {@code (y + shift) mod classes}. */
    static DriftInjector labelPermutation(long from, int shift, int classes) {
        return new LabelPermutation(from, shift, classes);
    }

    /** From {@code from} on, each {@code width × height} image is turned counter-clockwise by {@code degrees}. */
    static DriftInjector rotation(long from, double degrees, int width, int height) {
        return new Rotation(from, degrees, width, height);
    }

    /** From {@code from} on, examples of {@code classes} are dropped with {@code dropProbability}. */
    static DriftInjector classPriorShift(long from, Set<Integer> classes, double dropProbability, long seed) {
        return new ClassPriorShift(from, classes, dropProbability, seed);
    }

    /** From {@code from} on, the example at index {@code i} is {@code other}'s example {@code i mod other.size()}. */
    static DriftInjector datasetSwitch(long from, Dataset other) {
        return new DatasetSwitch(from, other);
    }

    /** The drifts applied one after the other (a dropped example stays dropped). */
    static DriftInjector chain(List<DriftInjector> drifts) {
        return new Chain(List.copyOf(drifts));
    }

    /**
     * Reads a drift from its text form, for command lines: {@code permute:SHIFT@INDEX},
     * {@code rotate:DEGREES@INDEX} (28×28 images), {@code prior:C1/C2/...:PROBABILITY@INDEX},
     * {@code switch:DATASET@INDEX} ({@code datasets} loads the named dataset); several joined with {@code +}.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    static DriftInjector parse(String spec, int classes, Function<String, Dataset> datasets) {
        List<DriftInjector> drifts = new ArrayList<>();
        for (String one : spec.split("\\+")) {
            drifts.add(parseOne(one.trim(), classes, datasets));
        }
        return drifts.size() == 1 ? drifts.get(0) : chain(drifts);
    }

    private static DriftInjector parseOne(String spec, int classes, Function<String, Dataset> datasets) {
        int at = spec.lastIndexOf('@');
        String[] parts = (at < 0 ? spec : spec.substring(0, at)).split(":");
        if (at < 0 || parts.length < 2) {
            throw new IllegalArgumentException("drift '" + spec + "' is not KIND:PARAMETERS@INDEX, e.g. permute:3@30000,"
                    + " rotate:90@30000, prior:0/1/2:0.9@30000, switch:fashion@30000");
        }
        try {
            long from = Long.parseLong(spec.substring(at + 1).trim());
            return switch (parts[0].toLowerCase(Locale.ROOT)) {
                case "permute" -> labelPermutation(from, Integer.parseInt(parts[1]), classes);
                case "rotate" -> rotation(from, Double.parseDouble(parts[1]), 28, 28);
                case "prior" -> {
                    if (parts.length != 3) {
                        throw new IllegalArgumentException("prior drift needs prior:CLASSES:PROBABILITY@INDEX");
                    }
                    Set<Integer> dropped = new HashSet<>();
                    for (String c : parts[1].split("/")) {
                        dropped.add(Integer.parseInt(c.trim()));
                    }
                    yield classPriorShift(from, dropped, Double.parseDouble(parts[2]), from);
                }
                case "switch" -> datasetSwitch(from, datasets.apply(parts[1]));
                default -> throw new IllegalArgumentException("unknown drift kind '" + parts[0]
                        + "'; use permute, rotate, prior or switch");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("drift '" + spec + "' holds a number that does not parse: "
                    + e.getMessage(), e);
        }
    }

    private static void checkFrom(long from) {
        if (from < 0) {
            throw new IllegalArgumentException("a drift starts at a non-negative index, got " + from);
        }
    }

    /** y → (y + shift) mod classes. */
    record LabelPermutation(long from, int shift, int classes) implements DriftInjector {
        public LabelPermutation {
            checkFrom(from);
            if (classes < 2) {
                throw new IllegalArgumentException("label permutation needs at least 2 classes, got " + classes);
            }
        }

        @Override
        public Example apply(long index, Example e) {
            if (index < from) {
                return e;
            }
            return new Example(e.features(), Math.floorMod(e.label() + shift, classes));
        }
    }

    /** Nearest-neighbour rotation about the image centre; pixels that come from outside the image are 0. */
    final class Rotation implements DriftInjector {
        private final long from;
        private final double degrees;
        private final int width;
        private final int height;
        /** For each target pixel, the source pixel it takes, or -1. */
        private final int[] source;

        Rotation(long from, double degrees, int width, int height) {
            checkFrom(from);
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
            }
            this.from = from;
            this.degrees = degrees;
            this.width = width;
            this.height = height;
            this.source = sourceMap(Math.toRadians(degrees), width, height);
        }

        private static int[] sourceMap(double theta, int width, int height) {
            double cos = Math.cos(theta);
            double sin = Math.sin(theta);
            double cx = (width - 1) / 2.0;
            double cy = (height - 1) / 2.0;
            int[] map = new int[width * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    // Inverse of a counter-clockwise turn on screen (y grows downwards).
                    double dx = x - cx;
                    double dy = y - cy;
                    long sx = Math.round(cx + dx * cos - dy * sin);
                    long sy = Math.round(cy + dx * sin + dy * cos);
                    map[y * width + x] = sx >= 0 && sx < width && sy >= 0 && sy < height
                            ? (int) (sy * width + sx) : -1;
                }
            }
            return map;
        }

        @Override
        public Example apply(long index, Example e) {
            if (index < from) {
                return e;
            }
            float[] in = e.features();
            if (in.length != source.length) {
                throw new IllegalArgumentException("rotation is set up for " + width + "x" + height + " images, got "
                        + in.length + " features");
            }
            float[] out = new float[in.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = source[i] < 0 ? 0f : in[source[i]];
            }
            return new Example(out, e.label());
        }

        @Override
        public String toString() {
            return "Rotation[from=" + from + ", degrees=" + degrees + ", " + width + "x" + height + "]";
        }
    }

    /** Drops examples of some classes with a probability drawn from a hash of the seed and the index. */
    record ClassPriorShift(long from, Set<Integer> classes, double dropProbability, long seed)
            implements DriftInjector {
        public ClassPriorShift {
            checkFrom(from);
            classes = Set.copyOf(classes);
            if (!(dropProbability >= 0 && dropProbability <= 1)) {
                throw new IllegalArgumentException("drop probability must lie in [0, 1], got " + dropProbability);
            }
        }

        @Override
        public Example apply(long index, Example e) {
            if (index < from || !classes.contains(e.label())) {
                return e;
            }
            return uniform(seed, index) < dropProbability ? null : e;
        }

        /** A uniform double in [0, 1) from (seed, index): the SplitMix64 finaliser. */
        static double uniform(long seed, long index) {
            long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            return (z >>> 11) * 0x1.0p-53;
        }
    }

    /** Replaces the stream with another dataset of the same feature count. */
    record DatasetSwitch(long from, Dataset other) implements DriftInjector {
        public DatasetSwitch {
            checkFrom(from);
            if (other.size() == 0) {
                throw new IllegalArgumentException("cannot switch to the empty dataset " + other.name());
            }
        }

        @Override
        public Example apply(long index, Example e) {
            if (index < from) {
                return e;
            }
            int i = (int) (index % other.size());
            if (other.inputSize() != e.features().length) {
                throw new IllegalArgumentException("cannot switch to " + other.name() + ": its examples have "
                        + other.inputSize() + " features, the stream's " + e.features().length);
            }
            return new Example(other.features()[i], other.labels()[i]);
        }

        @Override
        public String toString() {
            return "DatasetSwitch[from=" + from + ", other=" + other.name() + "]";
        }
    }

    /** Several drifts in order. */
    record Chain(List<DriftInjector> drifts) implements DriftInjector {
        static final Chain NONE = new Chain(List.of());

        @Override
        public Example apply(long index, Example e) {
            Example out = e;
            for (int i = 0; i < drifts.size() && out != null; i++) {
                out = drifts.get(i).apply(index, out);
            }
            return out;
        }
    }
}
