package io.streamlearn.ingest.replay;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.kafka.IngestProducers;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a {@link Dataset} straight into the samples topic, bypassing the HTTP API: the same batches, drift,
 * pacing and progress callback as {@link HttpReplayer}, written by an idempotent acks=all producer (so Kafka's
 * own retries never duplicate a sample). Progress is reported once Kafka has acknowledged a whole batch; a batch
 * not acknowledged within the timeout stops the replay.
 */
public final class KafkaReplayer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaReplayer.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final KafkaSettings kafka;
    private final Producer<String, Sample> producer;
    private final int batchSize;
    private final double samplesPerSecond;
    private boolean topicReady;

    /** @param samplesPerSecond target rate; 0 sends as fast as Kafka takes them */
    public KafkaReplayer(KafkaSettings kafka, int batchSize, double samplesPerSecond) {
        if (batchSize < 1 || samplesPerSecond < 0) {
            throw new IllegalArgumentException("batch size must be >= 1 and rate >= 0; got " + batchSize + ", "
                    + samplesPerSecond);
        }
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(IngestProducers.properties(kafka, "streamlearn-replay", TIMEOUT),
                Topics.SAMPLES.keySerde().serializer(), Topics.SAMPLES.valueSerde().serializer());
        this.batchSize = batchSize;
        this.samplesPerSecond = samplesPerSecond;
    }

    /** Produces samples {@code from} to {@code to} with {@code drift}; returns the number Kafka acknowledged. */
    public long replay(Dataset data, int from, int to, DriftInjector drift, HttpReplayer.Progress progress)
            throws IOException, InterruptedException {
        HttpReplayer.checkRange(data, from, to);
        if (!topicReady) {
            TopicAdmin.ensureTopics(kafka, List.of(Topics.SAMPLES), TIMEOUT);
            topicReady = true;
        }
        long start = System.nanoTime();
        long sent = ReplayBatch.replay(data, from, to, drift, batchSize, samplesPerSecond, progress, this::produce);
        log.info("replayed {} samples of {} into topic {} in {} ms", sent, data.name(), Topics.SAMPLES,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        return sent;
    }

    private void produce(List<Sample> batch, long accepted) throws IOException, InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (Sample s : batch) {
            acks.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), s.getId(), s)));
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("Kafka did not acknowledge a batch of " + batch.size() + " samples after "
                    + accepted + " were accepted: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
    }
}
