package io.streamlearn.common.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** Seeded Bernoulli error streams and what a detector makes of them, for the detector tests and DRIFT.md. */
final class ErrorStreams {
    private ErrorStreams() {
    }

    /** Positions (0-based) where the detector signalled drift, resetting it after each, on p0 then p1 from changeAt. */
    static List<Integer> detections(DriftDetector detector, double p0, double p1, int changeAt, int length, long seed) {
        Random random = new Random(seed);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            double p = i < changeAt ? p0 : p1;
            if (detector.update(random.nextDouble() < p ? 1 : 0) == DriftDetector.Signal.DRIFT) {
                at.add(i);
                detector.reset();
            }
        }
        return at;
    }

    /**
     * Positions of drift signals on a learner's error stream: the error rate falls from {@code start} towards
     * {@code floor} with time constant {@code tau}; from {@code changeAt} on (if below length) the labels are
     * permuted, so the error jumps back to {@code start} and falls again as the learner relearns.
     */
    static List<Integer> learningCurve(DriftDetector detector, double start, double floor, double tau, int changeAt,
                                       int length, long seed) {
        Random random = new Random(seed);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            int t = i < changeAt ? i : i - changeAt;
            double p = floor + (start - floor) * Math.exp(-t / tau);
            if (detector.update(random.nextDouble() < p ? 1 : 0) == DriftDetector.Signal.DRIFT) {
                at.add(i);
                detector.reset();
            }
        }
        return at;
    }

    /** Detection delay and false alarms of a detector over {@code runs} seeded streams with one abrupt change. */
    static Figures abrupt(Supplier<DriftDetector> detectors, double p0, double p1, int changeAt, int length, int runs) {
        long delaySum = 0;
        int detected = 0;
        int falseAlarms = 0;
        int maxDelay = 0;
        for (int seed = 1; seed <= runs; seed++) {
            List<Integer> at = detections(detectors.get(), p0, p1, changeAt, length, seed);
            falseAlarms += (int) at.stream().filter(i -> i < changeAt).count();
            var first = at.stream().filter(i -> i >= changeAt).findFirst();
            if (first.isPresent()) {
                int delay = first.get() - changeAt + 1;
                detected++;
                delaySum += delay;
                maxDelay = Math.max(maxDelay, delay);
            }
        }
        return new Figures(runs, detected, detected == 0 ? Double.NaN : (double) delaySum / detected, maxDelay,
                falseAlarms);
    }

    /**
     * @param runs        streams generated
     * @param detected    streams where the change was detected
     * @param meanDelay   mean number of values from the change to its detection (the first changed value counts 1)
     * @param maxDelay    worst delay
     * @param falseAlarms detections before the change, all streams together
     */
    record Figures(int runs, int detected, double meanDelay, int maxDelay, int falseAlarms) {
        @Override
        public String toString() {
            return String.format("detected %d/%d, mean delay %.0f, max delay %d, false alarms %d", detected, runs,
                    meanDelay, maxDelay, falseAlarms);
        }
    }
}
