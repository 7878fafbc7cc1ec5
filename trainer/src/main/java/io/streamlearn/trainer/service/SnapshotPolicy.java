package io.streamlearn.trainer.service;

/**
 * When to publish: after {@code everySamples} newly learned samples, or once {@code everyMs} has passed since the
 * last publication if anything was learned meanwhile; never when nothing changed. Dead letters waiting in an open
 * transaction are committed on the same clock so that they are never held longer than {@code everyMs}.
 */
final class SnapshotPolicy {
    private final long everySamples;
    private final long everyMs;
    private long lastMs;

    SnapshotPolicy(long everySamples, long everyMs, long startMs) {
        this.everySamples = everySamples;
        this.everyMs = everyMs;
        this.lastMs = startMs;
    }

    boolean snapshotDue(long learnedSinceLast, long nowMs) {
        return learnedSinceLast >= everySamples || (learnedSinceLast > 0 && intervalElapsed(nowMs));
    }

    boolean intervalElapsed(long nowMs) {
        return nowMs - lastMs >= everyMs;
    }

    void committed(long nowMs) {
        lastMs = nowMs;
    }
}
