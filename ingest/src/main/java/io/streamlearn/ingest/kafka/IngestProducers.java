package io.streamlearn.ingest.kafka;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Properties of the idempotent acks=all producers that write samples, events and labels (the HTTP API and the
 * Kafka replayer): batches large enough for many 784-feature records (the common short linger lets concurrent
 * requests share them), and {@code send()} blocking no longer than a request may wait. Operator settings under
 * {@code streamlearn.kafka.client.*} still win.
 */
public final class IngestProducers {
    /** 256 KiB: about 80 MNIST-sized records, well under a default broker's 1 MiB message limit. */
    static final int BATCH_BYTES = 256 * 1024;

    private IngestProducers() {
    }

    public static Properties properties(KafkaSettings kafka, String clientId, Duration maxBlock) {
        Properties p = KafkaClients.producer(kafka, clientId);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        // send() blocks while metadata is missing or the buffer is full: never longer than a request may wait.
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlock.toMillis()));
        return p;
    }
}
