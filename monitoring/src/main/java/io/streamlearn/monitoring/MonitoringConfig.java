package io.streamlearn.monitoring;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the monitoring service, read from {@code streamlearn.monitoring.*}.
 *
 * @param applicationId Kafka Streams application id (also the consumer group)
 * @param stateDir      folder for the join's window stores
 * @param joinWindow    how long a prediction waits for its label (labels are often hours late)
 * @param accuracyWindow number of most recent evaluations the windowed accuracy covers
 * @param trackedVersions how many model versions keep their own accuracy series (bounds label cardinality)
 */
public record MonitoringConfig(String applicationId, Path stateDir, Duration joinWindow, int accuracyWindow,
                               int trackedVersions) {
    public static final String PREFIX = "streamlearn.monitoring.";
    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.string(PREFIX + "application.id",
            "streamlearn-monitoring", "Kafka Streams application id of the monitoring service");
    public static final ConfigKey<String> STATE_DIR = ConfigKey.string(PREFIX + "state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "streamlearn-monitoring-state").toString(),
            "folder for the join's window stores");
    public static final ConfigKey<Long> JOIN_WINDOW_MS = ConfigKey.longInteger(PREFIX + "join.window.ms",
            Duration.ofHours(6).toMillis(), 1, Duration.ofDays(30).toMillis(),
            "how long a prediction for an event waits for its label on the labels topic");
    public static final ConfigKey<Integer> ACCURACY_WINDOW = ConfigKey.integer(PREFIX + "accuracy.window",
            1000, 10, 1_000_000, "number of most recent evaluations in the sliding-window accuracy");
    public static final ConfigKey<Integer> TRACKED_VERSIONS = ConfigKey.integer(PREFIX + "tracked.versions",
            3, 1, 20, "model versions that keep their own accuracy series in /metrics (older ones are dropped)");
    public static final List<ConfigKey<?>> KEYS =
            List.of(APPLICATION_ID, STATE_DIR, JOIN_WINDOW_MS, ACCURACY_WINDOW, TRACKED_VERSIONS);

    public static MonitoringConfig from(Settings settings) {
        settings.requireKnown(PREFIX, KEYS);
        return new MonitoringConfig(settings.get(APPLICATION_ID), Path.of(settings.get(STATE_DIR)),
                Duration.ofMillis(settings.get(JOIN_WINDOW_MS)), settings.get(ACCURACY_WINDOW),
                settings.get(TRACKED_VERSIONS));
    }
}
