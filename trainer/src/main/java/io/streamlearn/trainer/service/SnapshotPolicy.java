package io.streamlearn.trainer.service;

/**
 * When to publish: after {@code everySamples} newly learned samples (fewer while a drift reaction asks for
 * {@link #publishOftenUntil frequent snapshots}), or once {@code everyMs} has passed since the last publication if
 * anything was learned meanwhile; never when nothing changed. Dead letters waiting in an open transaction are
 * committed on the same clock so that they are never held longer than {@code everyMs}.
 */
final class SnapshotPolicy {
    private final long everySamples;
    private final long everyMs;
    private long lastMs;
    private long oftenUntil;
    private long oftenEvery = Long.MAX_VALUE;

    SnapshotPolicy(long everySamples, long everyMs, long startMs) {
        this.everySamples = everySamples;
        this.everyMs = everyMs;
        this.lastMs = startMs;
    }

    /** Publishes every {@code every} samples until {@code totalLearned} reaches {@code until}. */
    void publishOftenUntil(long until, long every) {
        oftenUntil = until;
        oftenEvery = every;
    }

    boolean snapshotDue(long learnedSinceLast, long totalLearned, long nowMs) {
        long every = totalLearned <= oftenUntil ? Math.min(everySamples, oftenEvery) : everySamples;
        return learnedSinceLast >= every || (learnedSinceLast > 0 && intervalElapsed(nowMs));
    }

    boolean intervalElapsed(long nowMs) {
        return nowMs - lastMs >= everyMs;
    }

    void committed(long nowMs) {
        lastMs = nowMs;
    }
}
