package io.streamlearn.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void shouldMergeInlineAndFileTokensAndNeverShowThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# ops team\nfile-token-1\n\n  file-token-2  \n");
        Path keystore = dir.resolve("server.p12");
        Files.write(keystore, new byte[] {1});

        IngestConfig c = IngestConfig.from(Settings.of(Map.of(
                "streamlearn.ingest.auth.tokens", "inline-a, inline-b,",
                "streamlearn.ingest.auth.tokens.file", file.toString(),
                "streamlearn.ingest.tls.keystore.path", keystore.toString(),
                "streamlearn.ingest.tls.keystore.password", "keystore-secret",
                "streamlearn.ingest.ready.timeout.ms", "700")));

        assertThat(c.authTokens()).containsExactly("inline-a", "inline-b", "file-token-1", "file-token-2");
        assertThat(c.authenticates()).isTrue();
        assertThat(c.tlsKeystore()).hasValue(keystore);
        assertThat(c.readyTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(c.toString()).doesNotContain("inline-a", "file-token", "keystore-secret")
                .contains("authTokens=4 (hidden)", "tlsKeystorePassword=(hidden)");
    }

    @Test
    void shouldRejectTlsSettingsThatCannotWork(@TempDir Path dir) {
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of(
                "streamlearn.ingest.tls.keystore.password", "secret-value"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.ingest.tls.keystore.path")
                .hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of(
                "streamlearn.ingest.tls.keystore.path", dir.resolve("missing.p12").toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of(
                "streamlearn.ingest.auth.tokens.file", dir.resolve("nope").toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.tokens.file");
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
