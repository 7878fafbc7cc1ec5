package io.streamlearn.bench.stage;

import io.streamlearn.bench.kafka.BenchTopics;
import io.streamlearn.bench.kafka.EventLoad;
import io.streamlearn.bench.kafka.PredictionWatch;
import io.streamlearn.bench.report.Stats;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end latency at a fixed event rate: from handing an event to the producer to a consumer of the
 * predictions topic seeing its prediction (read_committed under exactly-once, read_uncommitted under
 * at-least-once). After a warm-up, the run is cut into equal segments; each gives its own percentiles, and the
 * row reports their median and spread.
 */
public final class LatencyBench {
    private static final Logger log = LoggerFactory.getLogger(LatencyBench.class);
    private static final long DRAIN_MS = 3000;

    private LatencyBench() {
    }

    /** Percentiles in milliseconds, each over the segments; {@code missing} events got no prediction in time. */
    public record Result(Stats p50, Stats p99, Stats p999, int measured, int missing) {
    }

    /** The run's shape: rate in events/s, seconds of warm-up, segments and seconds per segment. */
    public record Plan(double rate, double warmupSeconds, int segments, double segmentSeconds) {
        double totalSeconds() {
            return warmupSeconds + segments * segmentSeconds;
        }
    }

    public static Result scorer(KafkaSettings kafka, Path stateDir, String guarantee, Plan plan, String runId) {
        BenchTopics.truncate(kafka, List.of(Topics.EVENTS.name(), Topics.SAMPLES.name()));
        ScorerConfig config = ScorerApps.config("bench-latency-" + runId, guarantee, stateDir);
        try (ScorerService scorer = ScorerApps.scorer(config, kafka)) {
            ScorerApps.awaitRunning(scorer);
            return measure(kafka, guarantee, plan, runId);
        }
    }

    public static Result passThrough(KafkaSettings kafka, Path stateDir, String guarantee, Plan plan, String runId) {
        BenchTopics.truncate(kafka, List.of(Topics.EVENTS.name()));
        ScorerConfig config = ScorerApps.config("bench-latency-" + runId, guarantee, stateDir);
        try (KafkaStreams streams = ScorerApps.passThrough(config, kafka, Topics.PREDICTIONS.name())) {
            ScorerApps.awaitRunning(streams);
            return measure(kafka, guarantee, plan, runId);
        }
    }

    private static Result measure(KafkaSettings kafka, String guarantee, Plan plan, String runId) {
        String prefix = "lat-" + runId + "-";
        boolean readCommitted = ScorerConfig.EXACTLY_ONCE_V2.equals(guarantee);
        EventLoad load = new EventLoad(kafka, prefix, plan.rate(), plan.totalSeconds());
        PredictionWatch watch = new PredictionWatch(kafka, Topics.PREDICTIONS.name(), prefix,
                load.sequenceAt(plan.totalSeconds()) + 1, readCommitted, false);
        try (load; watch) {
            watch.start();
            load.start();
            ScorerApps.sleep((long) (plan.totalSeconds() * 1000));
            load.stop();
            ScorerApps.sleep(DRAIN_MS);
        }
        return percentiles(load, watch, plan, runId);
    }

    static Result percentiles(EventLoad load, PredictionWatch watch, Plan plan, String runId) {
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
        Result r = new Result(Stats.of(p50), Stats.of(p99), Stats.of(p999), measured, missing);
        log.info("latency {}: p50 {} ms, p99 {} ms, p99.9 {} ms over {} events ({} missing)", runId,
                r.p50().median(), r.p99().median(), r.p999().median(), measured, missing);
        return r;
    }
}
