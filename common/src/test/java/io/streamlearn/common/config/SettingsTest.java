package io.streamlearn.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    private static final ConfigKey<Integer> PORT = ConfigKey.integer("streamlearn.ingest.test.port", 8080, 1, 65535,
            "a port");

    @TempDir
    Path dir;

    @Test
    void shouldLetEnvironmentOverrideFileAndOverridesWinOverEnvironment() throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "streamlearn.ingest.test.port=1000\nstreamlearn.kafka.bootstrap.servers=file:1\n");
        Settings s = Settings.load(file, Map.of("STREAMLEARN_INGEST_TEST_PORT", "2000", "PATH", "/bin"),
                Map.of("streamlearn.kafka.bootstrap.servers", "cli:1"));

        assertThat(s.get(PORT)).isEqualTo(2000);
        assertThat(s.get(KafkaSettings.BOOTSTRAP)).isEqualTo("cli:1");
    }

    @Test
    void shouldRejectAnUnknownSectionInAFileOrTheOptionsButNotInTheEnvironment() throws Exception {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "streamlearn.scorrer.batch.size=8\n");
        assertThatThrownBy(() -> Settings.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.scorrer.batch.size")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("streamlearn.scorer.");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("streamlearn.port", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.port");

        Settings s = Settings.load(null, Map.of("STREAMLEARN_LOG_LEVEL", "DEBUG"), Map.of());
        assertThat(s.withPrefix("streamlearn.log.")).containsEntry("level", "DEBUG");
    }

    @Test
    void shouldUseTheDefaultWhenAKeyIsAbsent() {
        assertThat(Settings.of(Map.of()).get(PORT)).isEqualTo(8080);
    }

    @Test
    void shouldNameTheKeyOfAnInvalidValue() {
        Settings s = Settings.of(Map.of("streamlearn.ingest.test.port", "70000"));
        assertThatThrownBy(() -> s.get(PORT))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.ingest.test.port")
                .hasMessageContaining("[1, 65535]");
    }

    @Test
    void shouldRejectUnknownKeysUnderAPrefix() {
        Settings s = Settings.of(Map.of("streamlearn.ingest.test.prot", "1"));
        assertThatThrownBy(() -> s.requireKnown("streamlearn.ingest.test.", List.of(PORT)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.ingest.test.prot")
                .hasMessageContaining("streamlearn.ingest.test.port");
    }

    @Test
    void shouldHideKafkaSecretsWhenSettingsArePrinted() {
        KafkaSettings k = KafkaSettings.from(Settings.of(Map.of(
                "streamlearn.kafka.client.security.protocol", "SASL_SSL",
                "streamlearn.kafka.client.sasl.jaas.config", "PlainLoginModule username=\"u\" password=\"p4ss\";",
                "streamlearn.kafka.client.ssl.truststore.password", "tr4st")));

        assertThat(k.toString()).contains("SASL_SSL").doesNotContain("p4ss").doesNotContain("tr4st");
    }

    @Test
    void shouldPassKafkaClientSettingsThroughAndRejectUnknownKafkaKeys() {
        KafkaSettings k = KafkaSettings.from(Settings.of(Map.of(
                "streamlearn.kafka.client.security.protocol", "SASL_SSL")));
        assertThat(k.clientProperties()).containsEntry("security.protocol", "SASL_SSL");

        assertThatThrownBy(() -> KafkaSettings.from(Settings.of(Map.of("streamlearn.kafka.security.protocol", "SSL"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.kafka.security.protocol")
                .hasMessageContaining(KafkaSettings.CLIENT_PREFIX);
    }
}
