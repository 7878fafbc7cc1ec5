package io.streamlearn.common.service;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.metrics.MetricsServer;
import io.streamlearn.common.metrics.MetricsSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every service process has: its validated settings and Kafka settings, a metrics registry served on
 * {@code /metrics}, and a {@link Lifecycle} that closes what the service started on SIGTERM.
 */
public final class ServiceRuntime implements AutoCloseable {
    /** Environment variable naming an optional properties file, for containers that have no command line. */
    public static final String CONFIG_FILE_ENV = "STREAMLEARN_CONFIG_FILE";

    private final Settings settings;
    private final KafkaSettings kafka;
    private final CollectorRegistry registry = new CollectorRegistry();
    private final Lifecycle lifecycle = new Lifecycle();

    private ServiceRuntime(Settings settings) {
        this.settings = settings;
        this.kafka = KafkaSettings.from(settings);
        MetricsSettings metrics = MetricsSettings.from(settings);
        DefaultExports.register(registry);
        lifecycle.own(MetricsServer.start(metrics.host(), metrics.port(), registry));
    }

    /** Validates the shared settings and starts serving /metrics. */
    public static ServiceRuntime start(Settings settings) {
        return new ServiceRuntime(settings);
    }

    /** Settings from {@value #CONFIG_FILE_ENV} (if set) and STREAMLEARN_* environment variables. */
    public static Settings settingsFromEnvironment() {
        String file = System.getenv(CONFIG_FILE_ENV);
        return Settings.load(file == null || file.isBlank() ? null : Path.of(file), System.getenv(), Map.of());
    }

    public Settings settings() {
        return settings;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public CollectorRegistry registry() {
        return registry;
    }

    public <T extends AutoCloseable> T own(T resource) {
        return lifecycle.own(resource);
    }

    /**
     * Ends the process with status 1 (running the shutdown hook, which closes everything), so that a supervisor
     * restarts a service that can no longer work instead of keeping a healthy-looking shell alive. The exit runs
     * on its own thread: the caller may be a thread that the shutdown hook waits for.
     */
    public void exitWithFailure() {
        Thread exit = new Thread(() -> System.exit(1), "streamlearn-failure-exit");
        exit.start();
    }

    /**
     * Starts {@code service}, exits the process if it fails, and serves until SIGTERM closes everything. A start
     * that throws closes everything first: what the service had started (stream threads) would keep the JVM alive.
     */
    public void serveUntilShutdown(Service service) throws InterruptedException {
        own(service);
        service.onFailure(this::exitWithFailure);
        try {
            service.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        awaitShutdown();
    }

    public void closeOnShutdown() {
        lifecycle.closeOnShutdown();
    }

    public void awaitShutdown() throws InterruptedException {
        lifecycle.awaitShutdown();
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
