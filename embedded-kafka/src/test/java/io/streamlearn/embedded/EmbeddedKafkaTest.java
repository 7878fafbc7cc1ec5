package io.streamlearn.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the class (startup is the slow part); each test uses its own topic. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void closeBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void bringBrokerBack() {
        // A test that failed while the broker was stopped must not take the others down with it.
        kafka.restart();
    }

    @Test
    void shouldProduceAndConsumeAfterStart() throws Exception {
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        String topic = createTopic("plain");

        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(consumeValues(topic, 10, "read_uncommitted")).containsExactly(
                "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void shouldKeepCommittedRecordsAcrossStopAndRestart() throws Exception {
        String topic = createTopic("restart");
        String bootstrap = kafka.bootstrapServers();
        // One producer lives through the outage, as a service's would.
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "before-stop")).get(10, TimeUnit.SECONDS);

            kafka.stop();
            // send() itself may block (metadata) while the broker is away, so it runs beside the restart.
            CompletableFuture<RecordMetadata> sentWhileDown = CompletableFuture.supplyAsync(() -> {
                try {
                    return producer.send(new ProducerRecord<>(topic, "k", "while-down")).get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new CompletionException(e);
                }
            });
            Thread.sleep(200);
            kafka.restart();

            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            sentWhileDown.get(30, TimeUnit.SECONDS);
        }
        assertThat(consumeValues(topic, 2, "read_uncommitted")).containsExactly("before-stop", "while-down");
    }

    @Test
    void shouldCommitTransactionsOnASingleNode() throws Exception {
        String topic = createTopic("tx");
        Map<String, Object> txConfig = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = producer(txConfig)) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        // read_committed sees only the committed record: the transaction coordinator works on one node.
        assertThat(consumeValues(topic, 1, "read_committed")).containsExactly("committed");
    }

    @Test
    void shouldAcceptRecordsAsLargeAsAModelSnapshot() throws Exception {
        String topic = createTopic("large");
        String snapshot = "x".repeat(16 * 1024 * 1024);
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 20 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>(topic, "model", snapshot)).get(10, TimeUnit.SECONDS);
        }
        assertThat(consumeValues(topic, 1, "read_uncommitted")).singleElement()
                .satisfies(value -> assertThat(value).hasSameSizeAs(snapshot));
    }

    @Test
    void shouldKeepAGivenDataDirAndPortAcrossBrokerInstances(@TempDir Path dir) throws Exception {
        int port;
        String topic;
        try (EmbeddedKafka first = EmbeddedKafka.start(dir, 0)) {
            port = Integer.parseInt(first.bootstrapServers().split(":")[1]);
            topic = createTopic(first, "kept");
            try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
                producer.send(new ProducerRecord<>(topic, "k", "kept")).get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(dir.resolve("meta.properties")).exists();

        try (EmbeddedKafka second = EmbeddedKafka.start(dir, port)) {
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(consumeValues(second, topic, 1, "read_uncommitted")).containsExactly("kept");
        }
    }

    @Test
    void shouldApplyBrokerOverridesSuchAsRetention() throws Exception {
        // Retention itself first runs 30 s after the broker starts (Kafka's LogManager): the test reads the config.
        Map<String, String> retention = Map.of("log.retention.bytes", "1073741824", "log.segment.bytes", "134217728");
        try (EmbeddedKafka bounded = EmbeddedKafka.start(retention);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bounded.bootstrapServers()))) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker);
            assertThat(config.get("log.retention.bytes").value()).isEqualTo("1073741824");
            assertThat(config.get("log.segment.bytes").value()).isEqualTo("134217728");
            assertThat(config.get("num.io.threads").value()).as("the class's own settings stay").isEqualTo("4");
        }
    }

    @Test
    void shouldRejectOverridingWhatMakesTheNodeASingleNodeCluster() {
        assertThatThrownBy(() -> EmbeddedKafka.start(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners is set by EmbeddedKafka itself");
    }

    private static String createTopic(String prefix) throws Exception {
        return createTopic(kafka, prefix);
    }

    /**
     * Creates a one-partition topic and waits until its partition has a leader that answers ListOffsets:
     * producing right after createTopics can otherwise lose the first batch (DESIGN.md pitfall).
     */
    private static String createTopic(EmbeddedKafka broker, String prefix) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            TopicPartition partition = new TopicPartition(topic, 0);
            await("a leader of " + partition + " answering ListOffsets").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .untilAsserted(() -> admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all()
                            .get(5, TimeUnit.SECONDS));
            return topic;
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        return producer(kafka, extra);
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka broker, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    private static List<String> consumeValues(String topic, int expected, String isolation) {
        return consumeValues(kafka, topic, expected, isolation);
    }

    private static List<String> consumeValues(EmbeddedKafka broker, String topic, int expected, String isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        // assign() needs no consumer group: reads stay independent of the group coordinator.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // One more short poll so an unexpected extra record (e.g. an aborted one) would show up.
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        return values;
    }
}
