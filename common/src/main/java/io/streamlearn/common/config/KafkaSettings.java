package io.streamlearn.common.config;

import java.util.List;
import java.util.Map;

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

    public static KafkaSettings local(String bootstrapServers, int partitions) {
        return new KafkaSettings(bootstrapServers, partitions, (short) 1, Map.of());
    }
}
