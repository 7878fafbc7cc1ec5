package io.streamlearn.bench.report;

/**
 * One line of the benchmark table: our value and the peer's, each the median of its repetitions with their
 * spread, measured in the same run; their ratio (ours / peer) and whether the row meets its target.
 *
 * @param stage  what is measured, e.g. "Training, batch 32"
 * @param metric the quantity and its unit, e.g. "samples/s"
 * @param peer   null when the row has no peer
 * @param note   a short key into the notes under the table (may be empty)
 */
public record Row(String stage, String metric, Stats ours, String peerName, Stats peer, Target target, String note) {
    public double ratio() {
        return peer == null ? Double.NaN : ours.median() / peer.median();
    }

    public boolean met() {
        return target.met(ours, ratio());
    }

    /** "pass", "miss", or empty without a target. */
    public String verdict() {
        if (target.kind() == Target.Kind.NONE) {
            return "";
        }
        return met() ? "pass" : "**miss**";
    }

    static String cell(Stats s) {
        if (s == null) {
            return "—";
        }
        if (s.count() == 1) {
            return Format.number(s.median());
        }
        return Format.number(s.median()) + " (" + Format.number(s.min()) + "–" + Format.number(s.max()) + ")";
    }
}
