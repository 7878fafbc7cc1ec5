package io.streamlearn.app.local;

import io.streamlearn.common.wire.DriftAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.DoubleSupplier;

/**
 * Measures a drift scenario of the local run: the trainer's 1,000-sample window accuracy sampled against its
 * learned count (every 20 ms, so positions are exact to the samples learned in 20 ms), and monitoring's
 * error-rate alerts, which name the offset of the sample that tipped the detector (the local run streams
 * into one partition in dataset order, so an offset is a position in the stream).
 */
final class DriftReport {
    /** Fraction of the pre-drift accuracy that counts as recovered. */
    static final double RECOVERED = 0.9;

    private final long[] learned;
    private final double[] accuracy;
    private int size;

    private DriftReport(int capacity) {
        learned = new long[capacity];
        accuracy = new double[capacity];
    }

    /** A report filled by {@link Sampler}. */
    static DriftReport withCapacity(int points) {
        return new DriftReport(points);
    }

    synchronized void add(long learnedCount, double windowAccuracy) {
        if (size < learned.length && (size == 0 || learnedCount > learned[size - 1])) {
            learned[size] = learnedCount;
            accuracy[size] = windowAccuracy;
            size++;
        }
    }

    /** Window accuracy when {@code position} samples had been learned (the last reading at or before it). */
    synchronized double accuracyAt(long position) {
        double last = Double.NaN;
        for (int i = 0; i < size && learned[i] <= position; i++) {
            last = accuracy[i];
        }
        return last;
    }

    /**
     * First learned count after {@code change} at which the window accuracy, having dropped below
     * {@link #RECOVERED} of {@code before}, is back above it; empty if it never dropped or never came back.
     */
    synchronized Optional<Long> recoveredAt(long change, double before) {
        double threshold = RECOVERED * before;
        boolean dropped = false;
        for (int i = 0; i < size; i++) {
            if (learned[i] <= change) {
                continue;
            }
            if (accuracy[i] < threshold) {
                dropped = true;
            } else if (dropped) {
                return Optional.of(learned[i]);
            }
        }
        return Optional.empty();
    }

    /** Error-rate alerts on samples, in the order raised. */
    static List<DriftAlert> errorAlerts(List<DriftAlert> alerts) {
        List<DriftAlert> out = new ArrayList<>();
        for (DriftAlert a : alerts) {
            if (a.getKind() == DriftAlert.Kind.ERROR_RATE && "sample".equals(a.getSource())) {
                out.add(a);
            }
        }
        return out;
    }

    /** Samples the trainer in the background while the run goes on. */
    static final class Sampler implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        Sampler(DriftReport report, LongSupplier learnedCount, DoubleSupplier windowAccuracy) {
            thread = new Thread(() -> {
                while (running) {
                    report.add(learnedCount.getAsLong(), windowAccuracy.getAsDouble());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "streamlearn-drift-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the drift sampler", e);
            }
        }
    }
}
