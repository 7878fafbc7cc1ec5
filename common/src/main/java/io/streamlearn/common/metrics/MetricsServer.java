package io.streamlearn.common.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.streamlearn.common.service.JdkHttpServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Serves one registry on {@code /metrics} in the Prometheus text format; closed by whoever started it. */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** Starts on {@code host:port}; port 0 picks a free port (see {@link #port()}). */
    public static MetricsServer start(String host, int port, CollectorRegistry registry) {
        JdkHttpServers.configure();
        try {
            return new MetricsServer(new HTTPServer.Builder()
                    .withInetSocketAddress(new InetSocketAddress(host, port))
                    .withRegistry(registry)
                    .withDaemonThreads(true)
                    .build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the metrics server on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
