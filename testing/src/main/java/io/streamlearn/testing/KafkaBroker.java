package io.streamlearn.testing;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker per test class with every pipeline topic created and ready, for the services' integration
 * tests: {@code @RegisterExtension static final KafkaBroker BROKER = new KafkaBroker(2);}.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    private final int partitions;
    private final Map<String, String> clientProperties;
    private EmbeddedKafka broker;
    private KafkaSettings settings;

    public KafkaBroker(int partitions) {
        this(partitions, Map.of());
    }

    public KafkaBroker(int partitions, Map<String, String> clientProperties) {
        this.partitions = partitions;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafka.start();
        settings = new KafkaSettings(broker.bootstrapServers(), partitions, (short) 1, clientProperties);
        TopicAdmin.ensureTopics(settings, Topics.ALL, Duration.ofSeconds(60));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    /** How the test's clients and services reach the broker. */
    public KafkaSettings settings() {
        return settings;
    }
}
