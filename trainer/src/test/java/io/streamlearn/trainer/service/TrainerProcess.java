package io.streamlearn.trainer.service;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.trainer.TrainerConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * A trainer alone in its JVM, for tests that kill it: {@code TrainerProcess <bootstrap> <partitions> key=value...}
 * with streamlearn.trainer.* keys; runs until the process is killed. The consumer's session is short so that a
 * restarted trainer gets the partitions of a killed one within seconds.
 */
public final class TrainerProcess {
    private TrainerProcess() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        KafkaSettings kafka = new KafkaSettings(args[0], Integer.parseInt(args[1]), (short) 1,
                Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        new TrainerService(TrainerConfig.from(Settings.of(settings)), kafka, new CollectorRegistry()).run();
    }
}
