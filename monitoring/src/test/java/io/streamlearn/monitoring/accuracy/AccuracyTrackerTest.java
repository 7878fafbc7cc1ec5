package io.streamlearn.monitoring.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import org.junit.jupiter.api.Test;

class AccuracyTrackerTest {
    private final CollectorRegistry registry = new CollectorRegistry();
    private final AccuracyTracker tracker = new AccuracyTracker(4, 2, 0.999, 3, new MonitoringMetrics(registry));

    @Test
    void shouldForgetOutcomesOlderThanTheWindow() {
        for (int i = 0; i < 4; i++) {
            tracker.record(new Evaluation("sample", 1, 0, 1, 0));
        }
        for (int i = 0; i < 3; i++) {
            tracker.record(new Evaluation("sample", 1, 1, 1, 0));
        }
        assertThat(tracker.windowAccuracy("sample")).isEqualTo(0.75);
        assertThat(tracker.overallAccuracy("sample")).isEqualTo(3.0 / 7);
        assertThat(tracker.evaluated("sample")).isEqualTo(7);
    }

    @Test
    void shouldKeepOnlyTheNewestVersionsAsMetricSeries() {
        tracker.record(new Evaluation("event", 1, 1, 1, 0));
        tracker.record(new Evaluation("event", 2, 1, 1, 0));
        tracker.record(new Evaluation("event", 3, 1, 0, 0));

        assertThat(tracker.versionAccuracies("event")).containsOnlyKeys(2L, 3L);
        assertThat(versionMetric("streamlearn_monitoring_version_accuracy_ratio", "1")).isNull();
        assertThat(versionMetric("streamlearn_monitoring_version_fading_accuracy_ratio", "1")).isNull();
        assertThat(versionMetric("streamlearn_monitoring_version_accuracy_ratio", "3")).isEqualTo(0.0);
        assertThat(versionMetric("streamlearn_monitoring_version_fading_accuracy_ratio", "2")).isEqualTo(1.0);
    }

    @Test
    void shouldNotStartSeriesForAVersionOlderThanAllTracked() {
        tracker.record(new Evaluation("event", 5, 1, 1, 0));
        tracker.record(new Evaluation("event", 6, 1, 1, 0));
        tracker.record(new Evaluation("event", 4, 1, 1, 0));

        assertThat(tracker.versionAccuracies("event")).containsOnlyKeys(5L, 6L);
        assertThat(tracker.evaluated("event")).isEqualTo(3);
    }

    @Test
    void shouldScoreTheNoChangeBaselineOnThePreviousLabel() {
        int[] labels = {0, 0, 1, 1, 1};
        for (int label : labels) {
            tracker.record(new Evaluation("sample", 1, 2, label, 0));
        }
        // pairs (0,0) (0,1) (1,1) (1,1): the baseline is right 3 times of 4
        assertThat(tracker.baselineAccuracy("sample")).isEqualTo(0.75);
        assertThat(sourceMetric("streamlearn_monitoring_baseline_accuracy_ratio")).isEqualTo(0.75);
        assertThat(tracker.windowAccuracy("sample")).isZero();
    }

    @Test
    void shouldPublishPerClassRecallAndSharesWithHighClassesAsOther() {
        tracker.record(new Evaluation("sample", 1, 0, 0, 0));
        tracker.record(new Evaluation("sample", 1, 0, 1, 0));
        tracker.record(new Evaluation("sample", 1, 7, 7, 0));
        tracker.record(new Evaluation("sample", 1, 9, 1, 0));

        assertThat(classMetric("streamlearn_monitoring_class_recall_ratio", "0")).isEqualTo(1.0);
        assertThat(classMetric("streamlearn_monitoring_class_recall_ratio", "1")).isEqualTo(0.0);
        assertThat(classMetric("streamlearn_monitoring_class_recall_ratio", "other")).isEqualTo(1.0);
        assertThat(classMetric("streamlearn_monitoring_predicted_class_ratio", "0")).isEqualTo(0.5);
        assertThat(classMetric("streamlearn_monitoring_predicted_class_ratio", "other")).isEqualTo(0.5);
        assertThat(classMetric("streamlearn_monitoring_label_class_ratio", "1")).isEqualTo(0.5);
        assertThat(classMetric("streamlearn_monitoring_label_class_ratio", "7")).isNull();
    }

    @Test
    void shouldPublishKappaAndFadingAccuracyPerSource() {
        tracker.record(new Evaluation("sample", 1, 0, 0, 0));
        tracker.record(new Evaluation("sample", 1, 1, 1, 0));

        assertThat(tracker.kappa("sample")).isEqualTo(1.0);
        assertThat(sourceMetric("streamlearn_monitoring_window_kappa")).isEqualTo(1.0);
        assertThat(sourceMetric("streamlearn_monitoring_fading_accuracy_ratio")).isEqualTo(1.0);
        assertThat(tracker.fadingAccuracy("sample")).isEqualTo(1.0);
        assertThat(tracker.kappa("event")).isNaN();
    }

    private Double versionMetric(String name, String version) {
        return registry.getSampleValue(name, new String[] {"source", "model_version"}, new String[] {"event", version});
    }

    private Double sourceMetric(String name) {
        return registry.getSampleValue(name, new String[] {"source"}, new String[] {"sample"});
    }

    private Double classMetric(String name, String c) {
        return registry.getSampleValue(name, new String[] {"source", "class"}, new String[] {"sample", c});
    }
}
