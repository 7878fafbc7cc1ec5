package io.streamlearn.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    @Test
    void shouldUseDocumentedDefaults() {
        IngestConfig c = IngestConfig.from(Settings.of(Map.of()));

        assertThat(c).isEqualTo(new IngestConfig("127.0.0.1", 8080, 784, 10, 16 * 1024 * 1024, 10_000,
                Duration.ofSeconds(10), 8));
    }

    @Test
    void shouldReadEveryKey() {
        IngestConfig c = IngestConfig.from(Settings.of(Map.of(
                "streamlearn.ingest.http.host", "0.0.0.0",
                "streamlearn.ingest.http.port", "0",
                "streamlearn.ingest.input.size", "4",
                "streamlearn.ingest.classes", "3",
                "streamlearn.ingest.max.body.bytes", "4096",
                "streamlearn.ingest.max.records.per.request", "7",
                "streamlearn.ingest.produce.timeout.ms", "1500",
                "streamlearn.ingest.threads", "2")));

        assertThat(c).isEqualTo(new IngestConfig("0.0.0.0", 0, 4, 3, 4096, 7, Duration.ofMillis(1500), 2));
    }

    @Test
    void shouldRejectUnknownKeyNamingIt() {
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of("streamlearn.ingest.http.prot", "1"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.ingest.http.prot");
    }

    @Test
    void shouldRejectOutOfRangeValueNamingTheKey() {
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of("streamlearn.ingest.classes", "1"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.ingest.classes");
    }

    @Test
    void shouldDocumentEveryKey() {
        assertThat(IngestConfig.KEYS).allSatisfy(k -> {
            assertThat(k.name()).startsWith("streamlearn.ingest.");
            assertThat(k.doc()).isNotBlank();
        });
    }
}
