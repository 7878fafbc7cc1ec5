package io.streamlearn.common.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * How every service reaches Kafka: bootstrap servers, topic layout, and client settings passed through
 * verbatim from {@code streamlearn.kafka.client.*} (security protocol, SASL, TLS stores, ...).
 */
public record KafkaSettings(String bootstrapServers, int partitions, short replicationFactor,
                            Map<String, String> clientProperties) {
    public static final ConfigKey<String> BOOTSTRAP = ConfigKey.string("streamlearn.kafka.bootstrap.servers",
            "localhost:9092", "Kafka bootstrap servers, host:port[,host:port...]");
    public static final ConfigKey<Integer> PARTITIONS = ConfigKey.integer("streamlearn.kafka.topic.partitions",
            3, 1, 1024, "partitions of each topic the services create when it is missing");
    public static final ConfigKey<Integer> REPLICATION = ConfigKey.integer("streamlearn.kafka.topic.replication",
            1, 1, 16, "replication factor of topics the services create");
    /** Settings under this prefix go to every Kafka client unchanged, e.g. streamlearn.kafka.client.security.protocol. */
    public static final String CLIENT_PREFIX = "streamlearn.kafka.client.";
    public static final List<ConfigKey<?>> KEYS = List.of(BOOTSTRAP, PARTITIONS, REPLICATION);

    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings from(Settings settings) {
        settings.withPrefix("streamlearn.kafka.").keySet().stream()
                .filter(k -> !k.startsWith("client."))
                .map(k -> "streamlearn.kafka." + k)
                .filter(k -> KEYS.stream().noneMatch(key -> key.name().equals(k)))
                .findFirst()
                .ifPresent(k -> {
                    throw new ConfigException("unknown configuration key " + k + "; Kafka client settings go under "
                            + CLIENT_PREFIX + ", valid keys are " + KEYS);
                });
        return new KafkaSettings(settings.get(BOOTSTRAP), settings.get(PARTITIONS),
                settings.get(REPLICATION).shortValue(), settings.withPrefix(CLIENT_PREFIX));
    }

    /** Shows every setting but the values of secrets (passwords, JAAS configurations, keys). */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        clientProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", partitions=" + partitions
                + ", replicationFactor=" + replicationFactor + ", clientProperties=" + shown + "]";
    }

    /** Kafka's own client configs say which keys are passwords; anything else named like a secret is hidden too. */
    static boolean isSecret(String key) {
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef())) {
            ConfigDef.ConfigKey k = def.configKeys().get(key);
            if (k != null && k.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas");
    }

    public static KafkaSettings local(String bootstrapServers, int partitions) {
        return new KafkaSettings(bootstrapServers, partitions, (short) 1, Map.of());
    }
}
