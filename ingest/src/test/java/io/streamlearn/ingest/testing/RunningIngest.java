package io.streamlearn.ingest.testing;

import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.http.IngestServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker per test class with an ingest server running on it:
 * {@code @RegisterExtension static final RunningIngest INGEST = new RunningIngest(2, () -> config);}.
 * The server creates its topics when it starts, as in production, so this does not create them first.
 * The config is made just before the start, so that a test class can prepare what it names there (a keystore).
 */
public final class RunningIngest implements BeforeAllCallback, AfterAllCallback {
    private static final String IN_FLIGHT = "streamlearn_ingest_requests_in_flight";
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);
    private final int partitions;
    private final Callable<IngestConfig> config;
    private final CollectorRegistry registry = new CollectorRegistry();
    private EmbeddedKafka broker;
    private KafkaSettings kafka;
    private IngestServer server;
    private URI base;

    public RunningIngest(int partitions, Callable<IngestConfig> config) {
        this.partitions = partitions;
        this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        IngestConfig serverConfig = config.call();
        broker = EmbeddedKafka.start();
        kafka = KafkaSettings.local(broker.bootstrapServers(), partitions);
        server = IngestServer.start(serverConfig, kafka, registry);
        String scheme = serverConfig.tlsKeystore().isPresent() ? "https" : "http";
        base = URI.create(scheme + "://127.0.0.1:" + server.port());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** The broker itself, for tests that stop and restart it. */
    public EmbeddedKafka broker() {
        return broker;
    }

    /** How the test's clients (and any further server) reach the broker. */
    public KafkaSettings kafka() {
        return kafka;
    }

    /** The running server's metrics. */
    public CollectorRegistry registry() {
        return registry;
    }

    /**
     * The running server's metrics once no request is in flight. A client holds its answer a moment before the
     * server counts the request, so a test that reads request counters right after its last request reads them here.
     */
    public CollectorRegistry settledRegistry() {
        await("no request in flight").atMost(SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(5))
                .until(() -> registry.getSampleValue(IN_FLIGHT) <= 0);
        return registry;
    }

    public int port() {
        return server.port();
    }

    /** The running server's address, {@code http(s)://127.0.0.1:port}. */
    public URI base() {
        return base;
    }

    /** {@code path} on the running server. */
    public URI uri(String path) {
        return base.resolve(path);
    }
}
