package io.streamlearn.monitoring.topology;

import com.google.protobuf.MessageLite;
import io.streamlearn.common.topic.DeadLetters;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes raw protobuf values; an undecodable record becomes a dead letter carrying its topic, partition,
 * offset and the parser's reason, so one bad producer cannot stop the stream. Its reason leads with a code
 * ({@link #UNDECODABLE} or {@link #EMPTY_VALUE}) that is also the {@code reason} label of the metric.
 */
final class DecodeProcessor<V extends MessageLite> implements FixedKeyProcessor<String, byte[], Decoded<V>> {
    private static final String UNDECODABLE = "undecodable";
    private static final String EMPTY_VALUE = "empty_value";

    private final Topic<String, V> topic;
    private final MonitoringMetrics metrics;
    private FixedKeyProcessorContext<String, Decoded<V>> context;

    DecodeProcessor(Topic<String, V> topic, MonitoringMetrics metrics) {
        this.topic = topic;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Decoded<V>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        V value;
        try {
            value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
        } catch (SerializationException e) {
            forwardDeadLetter(record, UNDECODABLE, e.getMessage());
            return;
        }
        if (value == null) {
            forwardDeadLetter(record, EMPTY_VALUE, "the record has no value");
            return;
        }
        context.forward(record.withValue(new Decoded<>(value, null)));
    }

    private void forwardDeadLetter(FixedKeyRecord<String, byte[]> record, String reason, String detail) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        metrics.deadLetters.labels(topic.name(), reason).inc();
        context.forward(record.withValue(new Decoded<>(null, DeadLetters.of("monitoring", where.topic(),
                where.partition(), where.offset(), reason, detail, key, record.value(), record.timestamp()))));
    }
}
