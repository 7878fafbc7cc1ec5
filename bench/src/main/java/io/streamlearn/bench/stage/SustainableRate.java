package io.streamlearn.bench.stage;

import io.streamlearn.bench.kafka.EventLoad;
import io.streamlearn.bench.kafka.PredictionWatch;
import io.streamlearn.common.config.KafkaSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sustainable throughput of an application in the latency setup (load generator, broker, application and
 * predictions consumer in this JVM): the highest offered event rate at which the end-to-end latency does not keep
 * growing over a probe (the definition of Karimov et al., "Benchmarking Distributed Stream Data Processing
 * Systems", ICDE 2018). Draining a backlog measures the application alone; live, the generator, the broker's
 * produce path and the consumer share the same cores, so half the drain rate can already saturate the machine.
 * A rate is sustained when the generator kept its schedule, every event got its prediction within a second of the
 * probe's end, and the latency grew by at most {@link #MAX_SLOPE} seconds per second (the application falling
 * behind by at most that fraction of the offered rate).
 */
public final class SustainableRate {
    private static final Logger log = LoggerFactory.getLogger(SustainableRate.class);
    static final double MAX_SLOPE = 0.02;
    private static final double MIN_SENT = 0.99;
    private static final double STEP = 1.25;
    private static final int MAX_PROBES = 8;
    private static final long DRAIN_MS = 1000;
    private static final double FLOOR = 500;

    private SustainableRate() {
    }

    /** One offered rate and what it showed; {@code slope} in seconds of latency per second of sending. */
    public record Probe(double rate, double sentRatio, int missing, double slope) {
        public boolean sustained() {
            return sentRatio >= MIN_SENT && missing == 0 && slope <= MAX_SLOPE;
        }
    }

    /** The highest sustained rate (NaN if none was) and every probe in order. */
    public record Result(double rate, List<Probe> probes) {
    }

    /** Seconds of warm-up and of measurement per probe. */
    public record Plan(double warmupSeconds, double seconds) {
        double totalSeconds() {
            return warmupSeconds + seconds;
        }
    }

    public static Result scorer(KafkaSettings kafka, Path stateDir, String guarantee, double start, Plan plan,
                                String runId) {
        return ScorerApps.whileScorerRuns(kafka, stateDir, guarantee, "bench-sustainable-" + runId,
                () -> search(kafka, guarantee, start, plan, runId));
    }

    public static Result passThrough(KafkaSettings kafka, Path stateDir, String guarantee, double start, Plan plan,
                                     String runId) {
        return ScorerApps.whilePassThroughRuns(kafka, stateDir, guarantee, "bench-sustainable-" + runId,
                () -> search(kafka, guarantee, start, plan, runId));
    }

    /**
     * Steps the rate up by {@link #STEP} from {@code start} while it is sustained, or down while it is not, then
     * probes once between the highest sustained and the lowest failed rate.
     */
    private static Result search(KafkaSettings kafka, String guarantee, double start, Plan plan, String runId) {
        List<Probe> probes = new ArrayList<>();
        double sustained = Double.NaN;
        double failed = Double.NaN;
        double rate = Math.max(FLOOR, Math.floor(start));
        while (probes.size() < MAX_PROBES - 1 && (Double.isNaN(sustained) || Double.isNaN(failed))) {
            Probe p = probe(kafka, guarantee, rate, plan, runId + "-" + probes.size());
            probes.add(p);
            if (p.sustained()) {
                sustained = rate;
                rate = Math.floor(rate * STEP);
            } else {
                failed = rate;
                if (rate <= FLOOR) {
                    break;
                }
                rate = Math.max(FLOOR, Math.floor(rate / STEP));
            }
        }
        if (!Double.isNaN(sustained) && !Double.isNaN(failed)) {
            double between = Math.floor(Math.sqrt(sustained * failed));
            Probe p = probe(kafka, guarantee, between, plan, runId + "-" + probes.size());
            probes.add(p);
            if (p.sustained()) {
                sustained = Math.max(sustained, between);
            }
        }
        log.info("sustainable rate {}: {} events/s after {} probes", runId, sustained, probes.size());
        return new Result(sustained, probes);
    }

    private static Probe probe(KafkaSettings kafka, String guarantee, double rate, Plan plan, String runId) {
        LiveRun run = LiveRun.drive(kafka, guarantee, "sus-" + runId + "-", rate, plan.totalSeconds(), DRAIN_MS);
        Probe p = judge(run.load(), run.watch(), plan);
        log.info("probe {} at {} events/s: sent {} of schedule, {} missing, latency slope {} -> {}", runId, rate,
                p.sentRatio(), p.missing(), p.slope(), p.sustained() ? "sustained" : "not sustained");
        return p;
    }

    static Probe judge(EventLoad load, PredictionWatch watch, Plan plan) {
        int due = load.sequenceAt(plan.totalSeconds());
        int from = load.sequenceAt(plan.warmupSeconds());
        int to = load.sent();
        int missing = 0;
        Slope slope = new Slope();
        for (int i = from; i < to; i++) {
            long seen = watch.seenAt(i);
            if (seen == 0) {
                missing++;
            } else {
                long sent = load.sentAt(i);
                slope.add((sent - load.startNanos()) / 1e9, (seen - sent) / 1e9);
            }
        }
        return new Probe(load.rate(), due == 0 ? 0 : (double) to / due, missing, slope.value());
    }

    /** Least-squares slope of y over x, accumulated point by point. */
    static final class Slope {
        private long n;
        private double sumX;
        private double sumY;
        private double sumXx;
        private double sumXy;

        void add(double x, double y) {
            n++;
            sumX += x;
            sumY += y;
            sumXx += x * x;
            sumXy += x * y;
        }

        /** The slope; +infinity with fewer than two distinct x. */
        double value() {
            double d = n * sumXx - sumX * sumX;
            return n < 2 || d <= 0 ? Double.POSITIVE_INFINITY : (n * sumXy - sumX * sumY) / d;
        }
    }
}
