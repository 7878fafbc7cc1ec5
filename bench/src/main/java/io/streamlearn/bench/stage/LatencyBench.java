package io.streamlearn.bench.stage;

import io.streamlearn.bench.kafka.EventLoad;
import io.streamlearn.bench.kafka.PredictionWatch;
import io.streamlearn.bench.report.Format;
import io.streamlearn.bench.report.Stats;
import io.streamlearn.common.config.KafkaSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end latency at a fixed event rate: from handing an event to the producer to a consumer of the
 * predictions topic seeing its prediction (read_committed under exactly-once, read_uncommitted under
 * at-least-once). After a warm-up, the run is cut into equal segments; each gives its own percentiles, and the
 * row reports their median and spread. Each run starts with the page cache written back ({@link PageCache}) and
 * a quiet machine ({@link Quiescence}).
 */
public final class LatencyBench {
    private static final Logger log = LoggerFactory.getLogger(LatencyBench.class);
    private static final long DRAIN_MS = 3000;

    private LatencyBench() {
    }

    /**
     * Percentiles in milliseconds, each over the segments; {@code missing} events got no prediction in time;
     * {@code busyAtStart} is the cores' busy share in the second before the run (NaN where not measured).
     */
    public record Result(Stats p50, Stats p99, Stats p999, int measured, int missing, double busyAtStart) {
    }

    /** The run's shape: rate in events/s, seconds of warm-up, segments and seconds per segment. */
    public record Plan(double rate, double warmupSeconds, int segments, double segmentSeconds) {
        double totalSeconds() {
            return warmupSeconds + segments * segmentSeconds;
        }
    }

    public static Result scorer(KafkaSettings kafka, Path stateDir, String guarantee, Plan plan, String runId) {
        PageCache.writeBack();
        double busy = Quiescence.await("latency " + runId);
        return ScorerApps.whileScorerRuns(kafka, stateDir, guarantee, "bench-latency-" + runId,
                () -> measure(kafka, guarantee, plan, runId, busy));
    }

    public static Result passThrough(KafkaSettings kafka, Path stateDir, String guarantee, Plan plan, String runId) {
        PageCache.writeBack();
        double busy = Quiescence.await("latency " + runId);
        return ScorerApps.whilePassThroughRuns(kafka, stateDir, guarantee, "bench-latency-" + runId,
                () -> measure(kafka, guarantee, plan, runId, busy));
    }

    private static Result measure(KafkaSettings kafka, String guarantee, Plan plan, String runId, double busy) {
        LiveRun run = LiveRun.drive(kafka, guarantee, "lat-" + runId + "-", plan.rate(), plan.totalSeconds(),
                DRAIN_MS);
        return percentiles(run.load(), run.watch(), plan, runId, busy);
    }

    static Result percentiles(EventLoad load, PredictionWatch watch, Plan plan, String runId, double busyAtStart) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        int measured = 0;
        int missing = 0;
        for (int s = 0; s < plan.segments(); s++) {
            int from = load.sequenceAt(plan.warmupSeconds() + s * plan.segmentSeconds());
            int to = Math.min(load.sent(), load.sequenceAt(plan.warmupSeconds() + (s + 1) * plan.segmentSeconds()));
            double[] ms = new double[Math.max(0, to - from)];
            int n = 0;
            for (int i = from; i < to; i++) {
                long seen = watch.seenAt(i);
                if (seen == 0) {
                    missing++;
                } else {
                    ms[n++] = (seen - load.sentAt(i)) / 1e6;
                }
            }
            double[] got = Arrays.copyOf(ms, n);
            measured += n;
            p50.add(Stats.quantile(got, 0.50));
            p99.add(Stats.quantile(got, 0.99));
            p999.add(Stats.quantile(got, 0.999));
        }
        Result r = new Result(Stats.of(p50), Stats.of(p99), Stats.of(p999), measured, missing, busyAtStart);
        log.info("latency {}: p50 {} ms, p99 {} ms (per segment {}), p99.9 {} ms over {} events ({} missing)",
                runId, r.p50().median(), r.p99().median(), perSegment(p99), r.p999().median(), measured, missing);
        return r;
    }

    private static String perSegment(List<Double> ms) {
        return ms.stream().map(Format::number).collect(Collectors.joining(" / "));
    }
}
