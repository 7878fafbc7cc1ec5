package io.streamlearn.ingest.replay;

/** Holds a replay to a rate in samples per second (0: no limit), measured from the replay's start. */
final class Pacer {
    private final double samplesPerSecond;
    private final long start = System.nanoTime();

    Pacer(double samplesPerSecond) {
        this.samplesPerSecond = samplesPerSecond;
    }

    /** Sleeps until {@code sent} samples are due. */
    void await(long sent) throws InterruptedException {
        if (samplesPerSecond > 0) {
            long due = start + (long) (sent / samplesPerSecond * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }
}
