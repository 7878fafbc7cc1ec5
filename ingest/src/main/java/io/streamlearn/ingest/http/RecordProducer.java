package io.streamlearn.ingest.http;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One idempotent acks=all producer shared by the request threads. Values are serialized with their topic's
 * serdes on the calling thread; {@link #sendAll} returns once Kafka has acknowledged every record of a request,
 * or fails when the request's deadline passes first.
 */
final class RecordProducer implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Duration timeout;

    RecordProducer(KafkaSettings kafka, Duration timeout) {
        Properties props = KafkaClients.producer(kafka, "streamlearn-ingest");
        // send() blocks while metadata is missing or the buffer is full: never longer than a request may wait.
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.timeout = timeout;
    }

    <V> void sendAll(Topic<String, V> topic, List<V> values, Function<V, String> key) throws ProduceException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Serializer<String> keys = topic.keySerde().serializer();
        Serializer<V> serializer = topic.valueSerde().serializer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(values.size());
        try {
            for (V value : values) {
                acks.add(producer.send(new ProducerRecord<>(topic.name(), keys.serialize(topic.name(), key.apply(value)),
                        serializer.serialize(topic.name(), value))));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            throw notAcknowledged(topic, values.size(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException expired) {
                throw notAcknowledged(topic, values.size(), expired);
            }
            throw new ProduceException("Kafka refused records on topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (KafkaException e) {
            throw new ProduceException("cannot send to topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProduceException("interrupted while waiting for Kafka on topic " + topic, e);
        }
    }

    private ProduceException notAcknowledged(Topic<String, ?> topic, int records, Exception cause) {
        return new ProduceException("Kafka did not acknowledge " + records + " records on topic " + topic
                + " within " + timeout.toMillis() + " ms (" + cause.getMessage() + ")", cause);
    }

    /** Sends what is buffered and closes, waiting at most {@code wait}. */
    void close(Duration wait) {
        producer.close(wait);
    }

    @Override
    public void close() {
        close(timeout);
    }
}
