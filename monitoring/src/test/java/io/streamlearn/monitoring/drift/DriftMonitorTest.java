package io.streamlearn.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.monitoring.accuracy.Evaluation;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    private final CollectorRegistry registry = new CollectorRegistry();

    private DriftMonitor monitor(String detector) {
        DriftConfig d = DriftConfig.defaults();
        DriftConfig config = new DriftConfig(detector, d.adwinDelta(), d.ddmMinInstances(), d.ddmWarningLevel(),
                d.ddmDriftLevel(), d.phMinInstances(), d.phDelta(), d.phLambda(), d.phAlpha(), d.psiThreshold(),
                d.psiReferenceSize(), d.psiWindowSize(), true);
        return new DriftMonitor(config, "mnist", 10, new MonitoringMetrics(registry), () -> 42L);
    }

    @Test
    void shouldAlertOnlyFromTheConfiguredDetectorButCountEveryDetectorsDetections() {
        DriftMonitor monitor = monitor("adwin");
        List<DriftAlert> alerts = feed(monitor, 0.1, 0.9, 2000, 3000);

        assertThat(alerts).isNotEmpty().allSatisfy(a -> {
            assertThat(a.getDetector()).isEqualTo("adwin");
            assertThat(a.getModelName()).isEqualTo("mnist");
            assertThat(a.getDetectedAtMs()).isEqualTo(42L);
        });
        assertThat(alerts.get(0).getEvaluationsSeen()).isBetween(2001L, 2064L);
        assertThat(detections("page-hinkley")).isGreaterThanOrEqualTo(1.0);
        assertThat(detections("ddm")).isGreaterThanOrEqualTo(1.0);
        assertThat(registry.getSampleValue("streamlearn_monitoring_drift_alerts_total",
                new String[] {"detector", "kind", "source"}, new String[] {"page-hinkley", "error_rate", "sample"}))
                .isNull();
        assertThat(monitor.alerts()).isEqualTo(alerts);
    }

    @Test
    void shouldResetTheDetectorAfterAnAlertSoThatOneChangeGivesOneAlert() {
        DriftMonitor monitor = monitor("page-hinkley");
        List<DriftAlert> alerts = feed(monitor, 0.07, 0.9, 2000, 6000);

        assertThat(alerts).hasSize(1);
    }

    @Test
    void shouldNotAlertWhileTheErrorRateFalls() {
        DriftMonitor monitor = monitor("page-hinkley");

        assertThat(feed(monitor, 0.9, 0.05, 500, 20_000)).isEmpty();
    }

    private List<DriftAlert> feed(DriftMonitor monitor, double p0, double p1, int changeAt, int length) {
        Random random = new Random(11);
        List<DriftAlert> alerts = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            boolean wrong = random.nextDouble() < (i < changeAt ? p0 : p1);
            alerts.addAll(monitor.onEvaluation(new Evaluation("sample", 3, wrong ? 1 : 0, 0, 0)));
        }
        return alerts;
    }

    private Double detections(String detector) {
        return registry.getSampleValue("streamlearn_monitoring_drift_detections_total",
                new String[] {"detector", "source"}, new String[] {detector, "sample"});
    }
}
