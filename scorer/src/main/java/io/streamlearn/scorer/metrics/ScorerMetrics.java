package io.streamlearn.scorer.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.streamlearn.scorer.model.ModelRejectedException;
import java.util.function.LongSupplier;

/**
 * The scorer's Prometheus metrics, registered into the registry passed in: records scored per source, ONNX
 * Runtime call latency and batch size, the served model's version and age, swaps, rejected snapshots and
 * dead-lettered records by bounded reason.
 */
public final class ScorerMetrics {
    public static final String EVENT = "event";
    public static final String SAMPLE = "sample";

    private final LongSupplier clockMs;
    private final Counter scored;
    private final Histogram latency;
    private final Histogram batchSize;
    private final Gauge modelVersion;
    private final Counter swaps;
    private final Counter rejected;
    private final Counter deadLetters;
    private volatile long servedCreatedAtMs = -1;

    public ScorerMetrics(CollectorRegistry registry) {
        this(registry, System::currentTimeMillis);
    }

    ScorerMetrics(CollectorRegistry registry, LongSupplier clockMs) {
        this.clockMs = clockMs;
        scored = Counter.build("streamlearn_scorer_events_scored_total",
                "Records scored, by source (event: live events, sample: labeled samples scored before training).")
                .labelNames("source").register(registry);
        latency = Histogram.build("streamlearn_scorer_scoring_latency_seconds",
                "Duration of one ONNX Runtime inference call.")
                .buckets(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
        batchSize = Histogram.build("streamlearn_scorer_batch_size", "Records per ONNX Runtime inference call.")
                .buckets(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        modelVersion = Gauge.build("streamlearn_scorer_model_version",
                "Version of the model served now; 0 while none is loaded.").register(registry);
        swaps = Counter.build("streamlearn_scorer_swaps_total",
                "Models installed, the first one included.").register(registry);
        rejected = Counter.build("streamlearn_scorer_snapshots_rejected_total",
                "Model snapshots refused; the served model kept serving.").labelNames("reason").register(registry);
        deadLetters = Counter.build("streamlearn_scorer_dead_letters_total",
                "Input records sent to the dead-letter topic, by reason.").labelNames("reason").register(registry);
        Gauge.build("streamlearn_scorer_model_age_seconds",
                "Seconds since the served snapshot was created; NaN while none is loaded.").create()
                .setChild(new Gauge.Child() {
                    @Override
                    public double get() {
                        long created = servedCreatedAtMs;
                        return created < 0 ? Double.NaN : (clockMs.getAsLong() - created) / 1000.0;
                    }
                }).register(registry);
        scored.labels(EVENT);
        scored.labels(SAMPLE);
        for (ModelRejectedException.Reason reason : ModelRejectedException.Reason.values()) {
            rejected.labels(reason.label());
        }
    }

    /** One record scored; {@code source} is {@link #EVENT} or {@link #SAMPLE}. */
    public void scored(String source) {
        scored.labels(source).inc();
    }

    /** One inference call on {@code records} rows that took {@code seconds}. */
    public void inferenceCall(int records, double seconds) {
        batchSize.observe(records);
        latency.observe(seconds);
    }

    public void modelInstalled(long version, long createdAtMs) {
        modelVersion.set(version);
        servedCreatedAtMs = createdAtMs;
        swaps.inc();
    }

    public void snapshotRejected(ModelRejectedException.Reason reason) {
        rejected.labels(reason.label()).inc();
    }

    /** One record dead-lettered; {@code reason} must come from a small fixed set. */
    public void deadLetter(String reason) {
        deadLetters.labels(reason).inc();
    }

    /** Records scored since start, both sources together. */
    public long scoredTotal() {
        return (long) (scored.labels(EVENT).get() + scored.labels(SAMPLE).get());
    }
}
