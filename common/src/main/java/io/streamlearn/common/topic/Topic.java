package io.streamlearn.common.topic;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic as the services see it: its name, the serdes of its keys and values, and the topic-level
 * configuration it is created with. Every topic is declared once, in {@link Topics}.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> config) {
    public Topic {
        config = Map.copyOf(config);
    }

    @Override
    public String toString() {
        return name;
    }
}
