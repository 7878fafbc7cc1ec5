package io.streamlearn.common.metrics;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.util.List;

/** Where a service serves {@code /metrics}: {@code streamlearn.metrics.host} and {@code streamlearn.metrics.port}. */
public record MetricsSettings(String host, int port) {
    public static final String PREFIX = "streamlearn.metrics.";
    public static final ConfigKey<String> HOST = ConfigKey.string(PREFIX + "host", "0.0.0.0",
            "interface the /metrics endpoint listens on");
    public static final ConfigKey<Integer> PORT = ConfigKey.integer(PREFIX + "port", 9400, 0, 65535,
            "port of the /metrics endpoint (0 picks a free port)");
    public static final List<ConfigKey<?>> KEYS = List.of(HOST, PORT);

    public static MetricsSettings from(Settings settings) {
        settings.requireKnown(PREFIX, KEYS);
        return new MetricsSettings(settings.get(HOST), settings.get(PORT));
    }
}
