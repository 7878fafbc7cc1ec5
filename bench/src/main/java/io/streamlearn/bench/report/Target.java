package io.streamlearn.bench.report;

/**
 * What a row must reach: a minimum ratio ours/peer (throughput), or a maximum for our own value (latency,
 * memory), or nothing (an informative row).
 */
public record Target(Kind kind, double bound, String unit) {
    public enum Kind { RATIO_AT_LEAST, OURS_AT_MOST, PEAK_AT_MOST, NONE }

    public static final Target NONE = new Target(Kind.NONE, Double.NaN, "");

    public static Target ratioAtLeast(double ratio) {
        return new Target(Kind.RATIO_AT_LEAST, ratio, "x");
    }

    public static Target oursAtMost(double value, String unit) {
        return new Target(Kind.OURS_AT_MOST, value, unit);
    }

    /** The highest of our values must stay within the bound (a peak, such as memory). */
    public static Target peakAtMost(double value, String unit) {
        return new Target(Kind.PEAK_AT_MOST, value, unit);
    }

    /** Whether the row meets the target: the ratio of the medians, our median, or our highest value. */
    public boolean met(Stats ours, double ratio) {
        return switch (kind) {
            case RATIO_AT_LEAST -> ratio >= bound;
            case OURS_AT_MOST -> ours.median() <= bound;
            case PEAK_AT_MOST -> ours.max() <= bound;
            case NONE -> true;
        };
    }

    public String describe() {
        return switch (kind) {
            case RATIO_AT_LEAST -> "ratio >= " + Format.ratio(bound);
            case OURS_AT_MOST -> "<= " + Format.number(bound) + " " + unit;
            case PEAK_AT_MOST -> "max <= " + Format.number(bound) + " " + unit;
            case NONE -> "";
        };
    }
}
