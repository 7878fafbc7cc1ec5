package io.streamlearn.common.kafka;

import io.streamlearn.common.config.KafkaSettings;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client properties for the services: our safe defaults, then the operator's pass-through client settings
 * (security and tuning), so that an operator can change anything except correctness-critical keys.
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    public static Properties common(KafkaSettings kafka, String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.putAll(kafka.clientProperties());
        return p;
    }

    /** An idempotent producer whose sends are acknowledged by all in-sync replicas. */
    public static Properties producer(KafkaSettings kafka, String clientId) {
        Properties p = common(kafka, clientId);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    /** A consumer that only sees committed transactional data and never commits on its own. */
    public static Properties consumer(KafkaSettings kafka, String clientId, String groupId) {
        Properties p = common(kafka, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }
}
