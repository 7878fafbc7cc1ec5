package io.streamlearn.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.scorer.testing.TestModels;
import io.streamlearn.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The scorer on a real broker: exactly-once predictions, and a restart that serves the newest snapshot at once. */
class ScorerIT {
    private static final int INPUT = 4;
    private static final int CLASSES = 3;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(2, Map.of("session.timeout.ms", "6000"));

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @TempDir
    Path stateDir;

    @Test
    void shouldEmitExactlyOnePredictionPerEventAndServeTheNewestSnapshotAfterARestart() throws Exception {
        ScorerConfig config = new ScorerConfig(TestModels.MODEL, INPUT, "scorer-it", ScorerConfig.EXACTLY_ONCE_V2,
                stateDir, 100, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka(), "scorer-it"),
                new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, Prediction> consumer = predictionsConsumer()) {
            send(producer, Topics.MODELS.name(), TestModels.MODEL,
                    TestModels.snapshot(1, INPUT, CLASSES).toByteArray());
            try (ScorerService scorer = new ScorerService(config, kafka(), new CollectorRegistry())) {
                scorer.start();
                assertThat(scorer.currentVersion()).isEqualTo(1);
                sendEvents(producer, 0, 40);

                Map<String, Prediction> first = readPredictions(consumer, 40);
                assertThat(first).hasSize(40);
                assertThat(first.values()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
                assertThat(first.get("e5").getPredictedClass()).isEqualTo(5 % CLASSES);
                assertThat(scorer.scored()).isEqualTo(40);
            }

            ModelSnapshot v2 = TestModels.snapshot(2, INPUT, CLASSES, 1, 0);
            send(producer, Topics.MODELS.name(), TestModels.MODEL, v2.toByteArray());
            sendEvents(producer, 40, 50);
            try (ScorerService restarted = new ScorerService(config, kafka(), new CollectorRegistry())) {
                restarted.start();
                assertThat(restarted.currentVersion()).isEqualTo(2);

                Map<String, Prediction> second = readPredictions(consumer, 10);
                assertThat(second.keySet()).allMatch(id -> Integer.parseInt(id.substring(1)) >= 40);
                assertThat(second.values()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(2));
            }
        }
    }

    private static void sendEvents(KafkaProducer<String, byte[]> producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            float[] features = new float[INPUT];
            features[i % CLASSES] = 1;
            Event.Builder event = Event.newBuilder().setId("e" + i).setTimestampMs(System.currentTimeMillis());
            for (float f : features) {
                event.addFeatures(f);
            }
            producer.send(new ProducerRecord<>(Topics.EVENTS.name(), "e" + i, event.build().toByteArray()));
        }
        producer.flush();
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(new ProducerRecord<>(topic, key, value)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static KafkaConsumer<String, Prediction> predictionsConsumer() {
        KafkaConsumer<String, Prediction> consumer = new KafkaConsumer<>(
                KafkaClients.consumer(kafka(), "scorer-it-reader", null), new StringDeserializer(),
                Topics.PREDICTIONS.valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.PREDICTIONS.name())
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Reads committed predictions until {@code expected} arrived, then a little longer to catch duplicates;
     * fails on a prediction for an id already seen.
     */
    private static Map<String, Prediction> readPredictions(KafkaConsumer<String, Prediction> consumer, int expected) {
        Map<String, Prediction> byId = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            for (ConsumerRecord<String, Prediction> record : consumer.poll(Duration.ofMillis(200))) {
                Prediction previous = byId.put(record.value().getId(), record.value());
                assertThat(previous).as("second prediction for %s", record.value().getId()).isNull();
            }
            if (byId.size() >= expected && quietUntil == Long.MAX_VALUE) {
                quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
        }
        assertThat(byId).as("predictions read").hasSize(expected);
        return byId;
    }
}
