package io.streamlearn.bench.stage;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes model snapshots to the models topic, as the trainer does, one acknowledged send at a time. */
public final class Publisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    private Publisher(KafkaProducer<String, byte[]> producer) {
        this.producer = producer;
    }

    public static Publisher open(KafkaSettings kafka) {
        Properties p = KafkaClients.producer(kafka, "bench-snapshots");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_SNAPSHOT_RECORD_BYTES));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new Publisher(new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()));
    }

    /** Sends the snapshot and returns when the broker acknowledged it ({@link System#nanoTime()}). */
    public long publish(ModelSnapshot snapshot) {
        try {
            producer.send(new ProducerRecord<>(Topics.MODELS.name(), snapshot.getModelName(), snapshot.toByteArray()))
                    .get(30, TimeUnit.SECONDS);
            return System.nanoTime();
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish snapshot v" + snapshot.getVersion(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing a snapshot", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
