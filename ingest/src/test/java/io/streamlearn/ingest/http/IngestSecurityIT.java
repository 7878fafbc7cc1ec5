package io.streamlearn.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.Settings;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.testing.RunningIngest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Bearer-token authentication over HTTPS with a keystore made for the test; secrets never reach the logs. */
class IngestSecurityIT {
    private static final String TOKEN = "token-alpha-7f3c9";
    private static final String FILE_TOKEN = "token-from-file-2b8e";
    private static final String PASSWORD = "keystore-pass-41d0";
    private static final String GOOD = "{\"features\": [1, 2, 3, 4], \"label\": 1}";

    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static Path dir;
    private static HttpClient https;

    @RegisterExtension
    static final RunningIngest INGEST = new RunningIngest(1, IngestSecurityIT::tlsWithTokens);

    /** Starts capturing the logs (the server's start included), makes the keystore, tokens file and a client. */
    private static IngestConfig tlsWithTokens() throws Exception {
        LOGS.start();
        rootLogger().addAppender(LOGS);
        dir = Files.createTempDirectory("ingest-tls-");
        Path keystore = generateKeystore(dir.resolve("server.p12"));
        Path tokens = Files.writeString(dir.resolve("tokens"), "# clients\n" + FILE_TOKEN + "\n");
        https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting(keystore)).build();
        return IngestConfig.from(Settings.of(Map.of(
                "streamlearn.ingest.http.port", "0",
                "streamlearn.ingest.input.size", "4",
                "streamlearn.ingest.classes", "3",
                "streamlearn.ingest.auth.tokens", TOKEN + ",another-token-99",
                "streamlearn.ingest.auth.tokens.file", tokens.toString(),
                "streamlearn.ingest.tls.keystore.path", keystore.toString(),
                "streamlearn.ingest.tls.keystore.password", PASSWORD)));
    }

    @AfterAll
    static void stop() throws IOException {
        rootLogger().detachAppender(LOGS);
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot delete " + p, e);
                    }
                });
            }
        }
    }

    private static Logger rootLogger() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** A self-signed EC key for 127.0.0.1, made with the JDK's keytool. */
    private static Path generateKeystore(Path file) throws Exception {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "ingest", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        return file;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private HttpResponse<String> post(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(INGEST.uri("/v1/samples"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(GOOD));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAcceptEveryConfiguredTokenOverHttps() throws Exception {
        assertThat(post("Bearer " + TOKEN).statusCode()).isEqualTo(202);
        assertThat(post("bearer " + FILE_TOKEN).statusCode()).isEqualTo(202);
        assertThat(post("Bearer another-token-99").statusCode()).isEqualTo(202);
    }

    @Test
    void shouldAnswer401WithChallengeWhenTheTokenIsMissing() throws Exception {
        HttpResponse<String> none = post(null);
        HttpResponse<String> basic = post("Basic dXNlcjpwYXNz");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(INGEST.registry().getSampleValue("streamlearn_ingest_auth_failures_total", new String[] {"reason"},
                new String[] {"missing"})).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldAnswer403ForAWrongToken() throws Exception {
        assertThat(post("Bearer " + TOKEN + "x").statusCode()).isEqualTo(403);
        assertThat(post("Bearer " + TOKEN.substring(1)).statusCode()).isEqualTo(403);
        assertThat(post("Bearer ").statusCode()).isEqualTo(401);
        assertThat(INGEST.registry().getSampleValue("streamlearn_ingest_auth_failures_total", new String[] {"reason"},
                new String[] {"invalid"})).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldKeepServingAKeptAliveConnectionAfterRefusingUnreadBodies() throws Exception {
        // Refused before their bodies are read: the JDK's HTTPS server used to stall the next request.
        for (int i = 0; i < 200; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(INGEST.uri("/v1/samples"))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(GOOD));
            int expected = switch (i % 3) {
                case 0 -> 401;
                case 1 -> {
                    request.header("Authorization", "Bearer wrong-" + i);
                    yield 403;
                }
                default -> {
                    request.header("Authorization", "Bearer " + TOKEN).header("Content-Type", "text/plain");
                    yield 415;
                }
            };
            assertThat(https.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("request %d", i).isEqualTo(expected);
        }
    }

    @Test
    void shouldLeaveProbesAndTheDocumentOpen() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/openapi.yaml")) {
            assertThat(https.send(HttpRequest.newBuilder(INGEST.uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void shouldNotSpeakPlainHttpOnTheTlsPort() {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + INGEST.port()
                        + "/healthz")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void shouldRefuseToStartWithAWrongKeystorePasswordWithoutShowingIt() throws Exception {
        int port = freePort();
        IngestConfig wrong = new IngestConfig("127.0.0.1", port, 4, 3, 4096, 10, Duration.ofSeconds(2), 1, List.of(),
                Optional.of(dir.resolve("server.p12")), "wrong-password-5", Duration.ofSeconds(1));

        assertThatThrownBy(() -> IngestServer.start(wrong, INGEST.kafka(), new CollectorRegistry()))
                .hasMessageContaining("server.p12").hasMessageNotContaining("wrong-password-5");
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the failed start left the port free").isEqualTo(port);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void shouldNeverLogTokensOrThePassword() throws Exception {
        post("Bearer " + TOKEN);
        post("Bearer not-" + TOKEN);

        assertThat(LOGS.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain(TOKEN, FILE_TOKEN, PASSWORD));
    }
}
