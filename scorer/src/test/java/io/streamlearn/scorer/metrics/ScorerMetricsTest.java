package io.streamlearn.scorer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.scorer.model.ModelRejectedException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScorerMetricsTest {
    private final CollectorRegistry registry = new CollectorRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ScorerMetrics metrics = new ScorerMetrics(registry, now::get);

    @Test
    void shouldComputeModelAgeAtScrapeTime() {
        assertThat(registry.getSampleValue("streamlearn_scorer_model_age_seconds")).isNaN();

        metrics.modelInstalled(7, 990_000);
        assertThat(registry.getSampleValue("streamlearn_scorer_model_age_seconds")).isEqualTo(10.0);
        now.addAndGet(5_000);
        assertThat(registry.getSampleValue("streamlearn_scorer_model_age_seconds")).isEqualTo(15.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_model_version")).isEqualTo(7.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_swaps_total")).isEqualTo(1.0);
    }

    @Test
    void shouldExposeEveryBoundedSeriesFromTheStart() {
        assertThat(registry.getSampleValue("streamlearn_scorer_records_scored_total",
                new String[] {"source"}, new String[] {"sample"})).isZero();
        for (ModelRejectedException.Reason reason : ModelRejectedException.Reason.values()) {
            assertThat(registry.getSampleValue("streamlearn_scorer_snapshots_rejected_total",
                    new String[] {"reason"}, new String[] {reason.label()})).isZero();
        }
        assertThat(registry.getSampleValue("streamlearn_scorer_model_version")).isZero();
    }

    @Test
    void shouldCountScoredRecordsAndInferenceCalls() {
        metrics.scored(ScorerMetrics.EVENT);
        metrics.scored(ScorerMetrics.SAMPLE);
        metrics.scored(ScorerMetrics.EVENT);
        metrics.inferenceCall(32, 0.002);

        assertThat(metrics.scoredTotal()).isEqualTo(3);
        assertThat(registry.getSampleValue("streamlearn_scorer_batch_size_sum")).isEqualTo(32.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_scoring_latency_seconds_count")).isEqualTo(1.0);
    }

    @Test
    void shouldReportTheTrialOfTheCandidateAndItsVerdicts() {
        assertThat(registry.getSampleValue("streamlearn_scorer_shadow_accuracy_ratio", new String[] {"role"},
                new String[] {"candidate"})).isNaN();

        metrics.candidate(4);
        metrics.shadowTrial(8, 6, 7);
        metrics.shadowScored(8);
        metrics.promoted();
        metrics.candidateRejected();
        metrics.pinned(3);

        assertThat(registry.getSampleValue("streamlearn_scorer_candidate_version")).isEqualTo(4.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_shadow_accuracy_ratio", new String[] {"role"},
                new String[] {"champion"})).isEqualTo(0.75);
        assertThat(registry.getSampleValue("streamlearn_scorer_shadow_accuracy_ratio", new String[] {"role"},
                new String[] {"candidate"})).isEqualTo(0.875);
        assertThat(registry.getSampleValue("streamlearn_scorer_shadow_scored_total")).isEqualTo(8.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_promotions_total")).isEqualTo(1.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_candidates_rejected_total")).isEqualTo(1.0);
        assertThat(registry.getSampleValue("streamlearn_scorer_pinned_version")).isEqualTo(3.0);
    }
}
