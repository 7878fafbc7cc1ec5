package io.streamlearn.monitoring;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitoringConfigTest {
    @Test
    void shouldDefaultToPageHinkleyAlertsASixHourJoinWindowAndPublishedDetectorSettings() {
        MonitoringConfig c = MonitoringConfig.from(Settings.of(Map.of()));

        assertThat(c.drift().detector()).isEqualTo("page-hinkley");
        assertThat(c.joinWindow()).isEqualTo(Duration.ofHours(6));
        assertThat(c.fadingFactor()).isEqualTo(0.999);
        assertThat(c.drift().adwinDelta()).isEqualTo(0.002);
        assertThat(c.drift().phLambda()).isEqualTo(50);
        assertThat(c.drift().psiThreshold()).isEqualTo(0.25);
        assertThat(c.modelName()).isEqualTo("default");
    }

    @Test
    void shouldRejectAnUnknownDetector() {
        assertThatThrownBy(() -> MonitoringConfig.from(Settings.of(Map.of(
                "streamlearn.monitoring.drift.detector", "kswin"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("adwin");
    }

    @Test
    void shouldRejectADdmWarningLevelAboveItsDriftLevel() {
        assertThatThrownBy(() -> MonitoringConfig.from(Settings.of(Map.of(
                "streamlearn.monitoring.drift.ddm.warning.level", "3.5"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be below");
    }

    @Test
    void shouldRejectAnUnknownKey() {
        assertThatThrownBy(() -> MonitoringConfig.from(Settings.of(Map.of(
                "streamlearn.monitoring.drift.adwin.dleta", "0.01"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dleta");
    }

    @Test
    void shouldReadEveryDetectorSettingFromItsEnvironmentVariable() {
        Map<String, String> env = Map.of("STREAMLEARN_MONITORING_DRIFT_PAGEHINKLEY_LAMBDA", "25",
                "STREAMLEARN_MONITORING_DRIFT_DETECTOR", "adwin");
        MonitoringConfig c = MonitoringConfig.from(Settings.load(null, env, Map.of()));

        assertThat(c.drift().phLambda()).isEqualTo(25);
        assertThat(c.drift().detector()).isEqualTo("adwin");
        MonitoringConfig.KEYS.forEach(k -> assertThat(k.name()).doesNotContain("-").doesNotContain("_"));
    }
}
