package io.streamlearn.scorer.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.streamlearn.scorer.model.ModelRejectedException;
import java.util.function.LongSupplier;

/**
 * The scorer's Prometheus metrics, registered into the registry passed in: records scored per source, ONNX
 * Runtime call latency and batch size, how long records waited for their batch, the champion's (serving model's)
 * version and age, swaps, the candidate's version and both models' shadow accuracy, promotions and discarded
 * candidates, the pinned version, rejected snapshots and dead-lettered records by bounded reason.
 */
public final class ScorerMetrics {
    public static final String EVENT = "event";
    public static final String SAMPLE = "sample";
    private static final String CHAMPION = "champion";
    private static final String CANDIDATE = "candidate";

    private final LongSupplier clockMs;
    private final Counter scored;
    private final Histogram latency;
    private final Histogram batchSize;
    private final Gauge modelVersion;
    private final Counter swaps;
    private final Counter rejected;
    private final Counter deadLetters;
    private final Histogram batchWait;
    private final Gauge candidateVersion;
    private final Gauge shadowAccuracy;
    private final Counter shadowScored;
    private final Counter promotions;
    private final Counter candidatesRejected;
    private final Gauge pinnedVersion;
    private volatile long servedCreatedAtMs = -1;

    public ScorerMetrics(CollectorRegistry registry) {
        this(registry, System::currentTimeMillis);
    }

    ScorerMetrics(CollectorRegistry registry, LongSupplier clockMs) {
        this.clockMs = clockMs;
        scored = Counter.build("streamlearn_scorer_records_scored_total",
                "Records scored, by source (event: live events, sample: labeled samples scored before training).")
                .labelNames("source").register(registry);
        latency = Histogram.build("streamlearn_scorer_scoring_latency_seconds",
                "Duration of one ONNX Runtime inference call.")
                .buckets(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
        batchSize = Histogram.build("streamlearn_scorer_batch_size", "Records per ONNX Runtime inference call.")
                .buckets(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        batchWait = Histogram.build("streamlearn_scorer_batch_wait_seconds",
                "How long the oldest record of a batch waited in the batch buffer before it was scored.")
                .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 10).register(registry);
        modelVersion = Gauge.build("streamlearn_scorer_model_version",
                "Version of the champion, the model whose predictions are emitted; 0 while none is loaded.")
                .register(registry);
        swaps = Counter.build("streamlearn_scorer_swaps_total",
                "Champion changes, the first model included.").register(registry);
        candidateVersion = Gauge.build("streamlearn_scorer_candidate_version",
                "Version of the candidate scored in shadow on labeled samples; 0 while none.").register(registry);
        shadowAccuracy = Gauge.build("streamlearn_scorer_shadow_accuracy_ratio",
                "Accuracy (0-1) of the champion and of the candidate on the labeled samples of the current or last "
                        + "promotion trial; NaN before the first.").labelNames("role").register(registry);
        shadowScored = Counter.build("streamlearn_scorer_shadow_scored_total",
                "Labeled samples scored by a candidate in shadow (counted, never emitted).").register(registry);
        promotions = Counter.build("streamlearn_scorer_promotions_total",
                "Candidates promoted to champion after their shadow trial.").register(registry);
        candidatesRejected = Counter.build("streamlearn_scorer_candidates_rejected_total",
                "Candidates discarded because their shadow accuracy fell below the champion's minus the margin.")
                .register(registry);
        pinnedVersion = Gauge.build("streamlearn_scorer_pinned_version",
                "Version an operator pinned; 0 while none.").register(registry);
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
        shadowAccuracy.labels(CHAMPION).set(Double.NaN);
        shadowAccuracy.labels(CANDIDATE).set(Double.NaN);
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

    /** A batch was scored; its oldest record had waited {@code seconds} in the buffer. */
    public void batchWaited(double seconds) {
        batchWait.observe(seconds);
    }

    /** A new champion serves: the first model, a promoted candidate, or a pinned version. */
    public void modelInstalled(long version, long createdAtMs) {
        modelVersion.set(version);
        servedCreatedAtMs = createdAtMs;
        swaps.inc();
    }

    /** The candidate under trial; 0 when none. */
    public void candidate(long version) {
        candidateVersion.set(version);
    }

    /** Progress of the promotion trial: {@code samples} compared so far, with each model's correct answers. */
    public void shadowTrial(int samples, int championCorrect, int candidateCorrect) {
        shadowAccuracy.labels(CHAMPION).set(samples == 0 ? Double.NaN : championCorrect / (double) samples);
        shadowAccuracy.labels(CANDIDATE).set(samples == 0 ? Double.NaN : candidateCorrect / (double) samples);
    }

    public void shadowScored(int samples) {
        shadowScored.inc(samples);
    }

    public void promoted() {
        promotions.inc();
    }

    public void candidateRejected() {
        candidatesRejected.inc();
    }

    /** The pinned version; 0 when unpinned. */
    public void pinned(long version) {
        pinnedVersion.set(version);
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
