package io.streamlearn.monitoring.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import org.junit.jupiter.api.Test;

class AccuracyTrackerTest {
    private final CollectorRegistry registry = new CollectorRegistry();
    private final AccuracyTracker tracker = new AccuracyTracker(4, 2, new MonitoringMetrics(registry));

    @Test
    void shouldForgetOutcomesOlderThanTheWindow() {
        for (int i = 0; i < 4; i++) {
            tracker.record(new Evaluation("sample", 1, 0, 1, 0));
        }
        for (int i = 0; i < 3; i++) {
            tracker.record(new Evaluation("sample", 1, 1, 1, 0));
        }
        assertThat(tracker.windowAccuracy("sample")).isEqualTo(0.75);
        assertThat(tracker.evaluated("sample")).isEqualTo(7);
    }

    @Test
    void shouldKeepOnlyTheNewestVersionsAsMetricSeries() {
        tracker.record(new Evaluation("event", 1, 1, 1, 0));
        tracker.record(new Evaluation("event", 2, 1, 1, 0));
        tracker.record(new Evaluation("event", 3, 1, 0, 0));

        assertThat(tracker.versionAccuracies("event")).containsOnlyKeys(2L, 3L);
        assertThat(accuracyOf("1")).isNull();
        assertThat(accuracyOf("3")).isEqualTo(0.0);
    }

    @Test
    void shouldNotStartSeriesForAVersionOlderThanAllTracked() {
        tracker.record(new Evaluation("event", 5, 1, 1, 0));
        tracker.record(new Evaluation("event", 6, 1, 1, 0));
        tracker.record(new Evaluation("event", 4, 1, 1, 0));

        assertThat(tracker.versionAccuracies("event")).containsOnlyKeys(5L, 6L);
        assertThat(tracker.evaluated("event")).isEqualTo(3);
    }

    private Double accuracyOf(String version) {
        return registry.getSampleValue("streamlearn_monitoring_accuracy_ratio",
                new String[] {"source", "model_version"}, new String[] {"event", version});
    }
}
