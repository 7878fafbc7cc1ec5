package io.streamlearn.ingest.http;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.ingest.kafka.IngestProducers;
import io.streamlearn.ingest.validation.EncodedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One idempotent acks=all producer shared by the request threads, sending records the parser has already
 * encoded; {@link #sendAll} returns once Kafka has acknowledged every record of a request,
 * or fails when the request's deadline passes first (sending stops there too, so a request whose sends block on
 * a full buffer while Kafka is away waits at most one more {@code max.block.ms}, which is the same timeout).
 */
final class RecordProducer implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Duration timeout;

    RecordProducer(KafkaSettings kafka, Duration timeout) {
        this.producer = new KafkaProducer<>(IngestProducers.properties(kafka, "streamlearn-ingest", timeout),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.timeout = timeout;
    }

    void sendAll(Topic<String, ?> topic, List<EncodedRecord> records) throws ProduceException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Serializer<String> keys = topic.keySerde().serializer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try {
            for (EncodedRecord record : records) {
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("the deadline passed after sending " + acks.size() + " records");
                }
                acks.add(producer.send(new ProducerRecord<>(topic.name(), keys.serialize(topic.name(), record.key()),
                        record.value())));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            throw notAcknowledged(topic, records.size(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException expired) {
                throw notAcknowledged(topic, records.size(), expired);
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
