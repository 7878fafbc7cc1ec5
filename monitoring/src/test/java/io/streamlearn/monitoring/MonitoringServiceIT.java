package io.streamlearn.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitoring service on a real broker: predictions in, metrics and a drift alert on the drift-alerts topic out. */
class MonitoringServiceIT {
    private static final int SAMPLES = 3000;
    private static final int CHANGE = 2000;

    @TempDir
    Path stateDir;

    @Test
    void shouldEvaluatePredictionsJoinLabelsAndSendADriftAlertAfterTheErrorRateJumps() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), 2);
            TopicAdmin.ensureTopics(kafka, Topics.ALL, Duration.ofSeconds(60));
            MonitoringConfig config = MonitoringConfig.from(Settings.of(Map.of(
                    "streamlearn.monitoring.state.dir", stateDir.toString(),
                    "streamlearn.monitoring.model.name", "mnist")));
            CollectorRegistry registry = new CollectorRegistry();
            try (MonitoringService service = new MonitoringService(config, kafka, registry)) {
                service.start();
                produce(kafka);

                List<DriftAlert> alerts = readAlerts(kafka);
                assertThat(alerts).hasSize(1);
                DriftAlert alert = alerts.get(0);
                assertThat(alert.getKind()).isEqualTo(DriftAlert.Kind.ERROR_RATE);
                assertThat(alert.getModelName()).isEqualTo("mnist");
                assertThat(alert.getEvaluationsSeen()).isBetween((long) CHANGE + 1, CHANGE + 150L);
                assertThat(service.driftAlerts()).filteredOn(a -> a.getKind() == DriftAlert.Kind.ERROR_RATE)
                        .containsExactly(alert);

                awaitUntil(() -> service.accuracy().evaluated("sample") == SAMPLES
                        && service.accuracy().evaluated("event") == 1, "every prediction evaluated");
                awaitUntil(() -> Double.valueOf(0.0).equals(
                        registry.getSampleValue("streamlearn_monitoring_consumer_lag_records")), "a consumer lag of 0");
                // A lag of 0 says the bad record was fetched; its dead letter is counted once it is processed.
                awaitUntil(() -> Double.valueOf(1.0).equals(registry.getSampleValue(
                        "streamlearn_monitoring_dead_letters_total", new String[] {"topic", "reason"},
                        new String[] {"predictions", "undecodable"})),
                        "the bad record dead-lettered");
            }
        }
    }

    private static void produce(KafkaSettings kafka) {
        Properties props = KafkaClients.producer(kafka, "monitoring-it");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Random random = new Random(4);
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            String predictions = Topics.PREDICTIONS.name();
            for (int i = 0; i < SAMPLES; i++) {
                boolean wrong = random.nextDouble() < (i < CHANGE ? 0.07 : 0.9);
                Prediction p = Prediction.newBuilder().setId("s" + i).setSource(Prediction.Source.SAMPLE)
                        .setModelName("mnist").setModelVersion(3).setPredictedClass(wrong ? 1 : 0)
                        .setHasLabel(true).setLabel(0).build();
                // one partition keeps the error stream in order, as one scorer partition does
                producer.send(new ProducerRecord<>(predictions, 0, now, p.getId(), p.toByteArray()));
            }
            Prediction event = Prediction.newBuilder().setId("e1").setSource(Prediction.Source.EVENT)
                    .setModelName("mnist").setModelVersion(3).setPredictedClass(2).setRecordTimestampMs(now).build();
            producer.send(new ProducerRecord<>(predictions, null, now, "e1", event.toByteArray()));
            Label label = Label.newBuilder().setEventId("e1").setLabel(2).setTimestampMs(now + 1000).build();
            producer.send(new ProducerRecord<>(Topics.LABELS.name(), null, now + 1000, "e1", label.toByteArray()));
            producer.send(new ProducerRecord<>(predictions, 1, now, "bad", new byte[] {(byte) 0xff, 1, 2}));
            producer.flush();
        }
    }

    private static List<DriftAlert> readAlerts(KafkaSettings kafka) {
        Properties props = KafkaClients.consumer(kafka, "monitoring-it", "monitoring-it");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<DriftAlert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.DRIFT_ALERTS.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // read on for a few seconds after the first alert to see that no second one follows
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    assertThat(r.key()).isEqualTo("mnist");
                    DriftAlert a = Topics.DRIFT_ALERTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (a.getKind() == DriftAlert.Kind.ERROR_RATE) {
                        alerts.add(a);
                    }
                });
                if (!alerts.isEmpty() && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        return alerts;
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }
}
