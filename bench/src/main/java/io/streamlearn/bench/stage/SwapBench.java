package io.streamlearn.bench.stage;

import io.streamlearn.bench.data.Snapshots;
import io.streamlearn.bench.kafka.BenchTopics;
import io.streamlearn.bench.kafka.EventLoad;
import io.streamlearn.bench.kafka.PredictionWatch;
import io.streamlearn.bench.report.Stats;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-swap latency: while events stream at a steady rate, snapshots with rising versions are published one
 * after another; each swap is timed from the broker's acknowledgement of the snapshot to the first prediction
 * carrying its version seen by a consumer of the predictions topic. The same run also times the events, whose
 * end-to-end latency is the row's peer: the least a swap could take is one event's trip.
 */
public final class SwapBench {
    private static final Logger log = LoggerFactory.getLogger(SwapBench.class);

    private SwapBench() {
    }

    /** Swap latency percentiles (ms) per segment of swaps, event latency of the same run, swaps never seen. */
    public record Result(Stats swapP50, Stats swapP99, LatencyBench.Result events, int swaps, int missing) {
    }

    /**
     * @param firstVersion the first version published; it must be above every version already on the models topic
     */
    public static Result run(KafkaSettings kafka, Path stateDir, String guarantee, ModelSnapshot model,
                             long firstVersion, double eventRate, int swapsPerSegment, int segments,
                             long intervalMs) {
        BenchTopics.truncate(kafka, List.of(Topics.EVENTS.name(), Topics.SAMPLES.name()));
        double warmup = 3;
        double segmentSeconds = swapsPerSegment * intervalMs / 1000.0;
        LatencyBench.Plan plan = new LatencyBench.Plan(eventRate, warmup, segments, segmentSeconds);
        int swaps = swapsPerSegment * segments;
        long[] ackedAt = new long[swaps];
        ScorerConfig config = ScorerApps.config("bench-swap", guarantee, stateDir);
        String prefix = "swap-";
        try (Publisher publisher = Publisher.open(kafka)) {
            publisher.publish(Snapshots.withVersion(model, firstVersion - 1));
            try (ScorerService scorer = ScorerApps.scorer(config, kafka)) {
                ScorerApps.awaitRunning(scorer);
                EventLoad load = new EventLoad(kafka, prefix, eventRate, plan.totalSeconds() + 5);
                PredictionWatch watch = new PredictionWatch(kafka, Topics.PREDICTIONS.name(), prefix,
                        load.sequenceAt(plan.totalSeconds() + 5) + 1,
                        ScorerConfig.EXACTLY_ONCE_V2.equals(guarantee), true);
                try (load; watch) {
                    watch.start();
                    load.start();
                    ScorerApps.sleep((long) (warmup * 1000));
                    for (int i = 0; i < swaps; i++) {
                        ackedAt[i] = publisher.publish(Snapshots.withVersion(model, firstVersion + i));
                        ScorerApps.sleep(Math.max(0, intervalMs - (System.nanoTime() - ackedAt[i]) / 1_000_000));
                    }
                    ScorerApps.sleep(2000);
                    load.stop();
                    ScorerApps.sleep(1000);
                }
                return result(load, watch, plan, firstVersion, ackedAt, swapsPerSegment, segments);
            }
        }
    }

    private static Result result(EventLoad load, PredictionWatch watch, LatencyBench.Plan plan, long firstVersion,
                                 long[] ackedAt, int perSegment, int segments) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        int missing = 0;
        for (int s = 0; s < segments; s++) {
            List<Double> ms = new ArrayList<>();
            for (int i = s * perSegment; i < (s + 1) * perSegment; i++) {
                Long seen = watch.versionSeenAt(firstVersion + i);
                if (seen == null) {
                    missing++;
                } else {
                    ms.add((seen - ackedAt[i]) / 1e6);
                }
            }
            double[] values = ms.stream().mapToDouble(Double::doubleValue).toArray();
            p50.add(Stats.quantile(values.clone(), 0.50));
            p99.add(Stats.quantile(values, 0.99));
        }
        LatencyBench.Result events = LatencyBench.percentiles(load, watch, plan, "swap-events", Double.NaN);
        Result r = new Result(Stats.of(p50), Stats.of(p99), events, perSegment * segments, missing);
        log.info("swap: p50 {} ms, p99 {} ms over {} swaps ({} never seen); events p50 {} ms", r.swapP50().median(),
                r.swapP99().median(), r.swaps(), missing, events.p50().median());
        return r;
    }
}
