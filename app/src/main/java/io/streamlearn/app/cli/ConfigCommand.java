package io.streamlearn.app.cli;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.metrics.MetricsSettings;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.trainer.TrainerConfig;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import picocli.CommandLine.Command;

/** {@code streamlearn config}: every configuration key with its environment variable, default and meaning. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "List every configuration key, its environment variable, default and meaning.")
public final class ConfigCommand implements Runnable {
    static Map<String, List<ConfigKey<?>>> allKeys() {
        Map<String, List<ConfigKey<?>>> keys = new LinkedHashMap<>();
        keys.put("kafka (every service; Kafka client settings pass through under " + KafkaSettings.CLIENT_PREFIX + ")",
                KafkaSettings.KEYS);
        keys.put("metrics (every service)", MetricsSettings.KEYS);
        keys.put("ingest", IngestConfig.KEYS);
        keys.put("trainer", TrainerConfig.KEYS);
        keys.put("scorer", ScorerConfig.KEYS);
        keys.put("monitoring", MonitoringConfig.KEYS);
        return keys;
    }

    @Override
    public void run() {
        System.out.println("Keys are read from --config FILE, then STREAMLEARN_* environment variables, then -Dkey=value.");
        allKeys().forEach((section, keys) -> {
            System.out.println();
            System.out.println(section + ":");
            keys.forEach(k -> System.out.println(k.describe()));
        });
    }
}
