package io.streamlearn.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.scorer.ScorerMain;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out as the compose stack runs it: two scorer processes ({@link ScorerMain}, configured from STREAMLEARN_*
 * environment variables only) share the partitions of the events topic. One is killed with SIGKILL while events
 * stream in; the survivor takes over every partition, and a read_committed consumer sees exactly one prediction
 * per event: none lost with the killed instance, none scored twice.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ScaleOutIT {
    private static final Logger log = LoggerFactory.getLogger(ScaleOutIT.class);
    private static final int PARTITIONS = 4;
    private static final int INPUT = 8;
    private static final String APPLICATION_ID = "scale-out-it";
    private static final int EVENTS_PER_SECOND = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    private final Map<String, Process> scorers = new LinkedHashMap<>();

    @AfterEach
    void stopScorers() throws InterruptedException {
        for (Process process : scorers.values()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldScoreEveryEventExactlyOnceWhenOneOfTwoScorersIsKilledMidStream() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), PARTITIONS);
            TopicAdmin.ensureTopics(kafka, Topics.ALL, WAIT);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka, "scale-out"),
                    new StringSerializer(), new ByteArraySerializer());
                 Admin admin = Admin.create(KafkaClients.common(kafka, "scale-out-admin"));
                 Predictions predictions = new Predictions(kafka)) {
                producer.send(new ProducerRecord<>(Topics.MODELS.name(), "default", snapshot().toByteArray()))
                        .get(30, TimeUnit.SECONDS);
                startScorer("a", kafka);
                startScorer("b", kafka);
                Map<String, Set<Integer>> before = awaitGroup(admin, "both instances share the partitions",
                        owners -> owners.size() == 2 && owners.values().stream().noneMatch(Set::isEmpty)
                                && union(owners).size() == PARTITIONS);

                int sent;
                int sentAtKill;
                String victim;
                String survivor;
                try (SteadyEvents events = new SteadyEvents(producer)) {
                    awaitScored(predictions, events, "both instances score",
                            ids -> partitionsOf(ids).size() == PARTITIONS && ids.size() >= EVENTS_PER_SECOND);
                    victim = before.entrySet().stream()
                            .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow().getKey();
                    survivor = victim.equals("a") ? "b" : "a";
                    scorers.get(victim).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    sentAtKill = events.sent();
                    long killed = System.nanoTime();

                    awaitGroup(admin, "the survivor owns every partition", owners -> owners.size() == 1
                            && owners.getOrDefault(survivor, Set.of()).size() == PARTITIONS);
                    log.info("scorer {} (events partitions {}) killed after {} events; {} owned all {} partitions "
                            + "{} ms later", victim, before.get(victim), sentAtKill, survivor, PARTITIONS,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
                    // Keep streaming until the survivor has scored events of every partition sent after the kill.
                    awaitScored(predictions, events, "the survivor scores every partition", ids -> partitionsOf(
                            ids.stream().filter(id -> index(id) >= sentAtKill).toList()).size() == PARTITIONS);
                    sent = events.stop();
                }
                assertThat(scorers.get(survivor).isAlive()).as("survivor alive\n%s", logs()).isTrue();
                List<Prediction> read = predictions.readAll(sent, WAIT, Duration.ofSeconds(2));
                log.info("{} events sent, {} predictions read", sent, read.size());

                assertThat(before.get(victim)).as("events partitions the killed instance owned").isNotEmpty();
                assertThat(sentAtKill).as("events sent before the kill").isPositive().isLessThan(sent);
                assertExactlyOnePredictionPerEvent(read, sent);
                assertThat(read).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
                assertThat(partitionsOf(read.stream().map(Prediction::getId).filter(id -> index(id) >= sentAtKill)
                        .toList())).as("partitions whose post-kill events the survivor scored")
                        .containsExactlyInAnyOrder(0, 1, 2, 3);
            }
        }
    }

    private static ModelSnapshot snapshot() {
        TrainerConfig trainer = TrainerConfig.from(Settings.of(Map.of(
                "streamlearn.trainer.input.size", Integer.toString(INPUT),
                "streamlearn.trainer.classes", "3",
                "streamlearn.trainer.hidden.layers", "4")));
        MultiLayerNetwork network = trainer.network().build();
        try {
            byte[] onnx = OnnxExporter.export(network, Map.of("model_name", "default", "version", "1"));
            return ModelSnapshot.newBuilder().setModelName("default").setVersion(1)
                    .setOnnxModel(ByteString.copyFrom(onnx)).setInputSize(INPUT)
                    .addAllClassNames(trainer.classNames()).setInputName(OnnxExporter.INPUT_NAME)
                    .setOutputName(OnnxExporter.OUTPUT_NAME).setCreatedAtMs(System.currentTimeMillis()).build();
        } finally {
            network.close();
        }
    }

    /** A scorer JVM configured the way a container is: environment variables only, no arguments. */
    private void startScorer(String name, KafkaSettings kafka) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                ScorerMain.class.getName());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("STREAMLEARN_"));
        env.put("STREAMLEARN_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("STREAMLEARN_KAFKA_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
        // The survivor notices a dead peer after one session timeout (the broker's minimum).
        env.put("STREAMLEARN_KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000");
        env.put("STREAMLEARN_KAFKA_CLIENT_CLIENT_ID", name);
        env.put("STREAMLEARN_METRICS_HOST", "127.0.0.1");
        env.put("STREAMLEARN_METRICS_PORT", "0");
        env.put("STREAMLEARN_SCORER_APPLICATION_ID", APPLICATION_ID);
        env.put("STREAMLEARN_SCORER_INPUT_SIZE", Integer.toString(INPUT));
        env.put("STREAMLEARN_SCORER_STATE_DIR", work.resolve("state-" + name).toString());
        File log = work.resolve(name + ".log").toFile();
        scorers.put(name, builder.redirectErrorStream(true).redirectOutput(log).start());
    }

    /**
     * Waits until the scorer group is stable and {@code condition} holds for the events partitions each instance
     * owns (keyed by instance name); returns that ownership.
     */
    private Map<String, Set<Integer>> awaitGroup(Admin admin, String what,
                                                 Predicate<Map<String, Set<Integer>>> condition) {
        try {
            return await(what).atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> stableOwners(admin),
                    owners -> owners.isPresent() && condition.test(owners.get())).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + logs(), e);
        }
    }

    /** The events partitions each instance owns, or empty while the scorer group is missing or not stable. */
    private static Optional<Map<String, Set<Integer>>> stableOwners(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        return describeGroup(admin).filter(group -> group.groupState() == GroupState.STABLE)
                .map(ScaleOutIT::eventsPartitionsByInstance);
    }

    /** The scorer group, or empty until its first member joined. */
    private static Optional<ConsumerGroupDescription> describeGroup(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(admin.describeConsumerGroups(List.of(APPLICATION_ID)).all()
                    .get(10, TimeUnit.SECONDS).get(APPLICATION_ID));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Map<String, Set<Integer>> eventsPartitionsByInstance(ConsumerGroupDescription group) {
        Map<String, Set<Integer>> owners = new HashMap<>();
        for (MemberDescription member : group.members()) {
            // Kafka Streams names its consumers "<client.id>-StreamThread-<n>-consumer".
            String instance = member.clientId().substring(0, member.clientId().indexOf('-'));
            Set<Integer> partitions = owners.computeIfAbsent(instance, k -> new TreeSet<>());
            member.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(Topics.EVENTS.name()))
                    .forEach(tp -> partitions.add(tp.partition()));
        }
        return owners;
    }

    /** Polls the predictions consumer in this thread, paced by its poll timeout; a failed send fails at once. */
    private void awaitScored(Predictions predictions, SteadyEvents events, String what,
                             Predicate<Set<String>> condition) {
        try {
            await(what).atMost(WAIT).pollInterval(Duration.ZERO).pollInSameThread().until(() -> {
                events.checkHealthy();
                predictions.poll();
                return condition.test(predictions.ids());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + " " + predictions.ids().size() + " of " + events.sent()
                    + " events scored\n" + logs(), e);
        }
    }

    private static void assertExactlyOnePredictionPerEvent(List<Prediction> read, int sent) {
        Map<String, Long> counts = read.stream()
                .collect(Collectors.groupingBy(Prediction::getId, Collectors.counting()));
        List<String> missing = IntStream.range(0, sent).mapToObj(ScaleOutIT::eventId)
                .filter(id -> !counts.containsKey(id)).toList();
        Map<String, Long> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(missing).as("events without a prediction (of %d sent)", sent).isEmpty();
        assertThat(duplicated).as("events predicted more than once").isEmpty();
        assertThat(counts).as("predictions for events that were never sent").hasSize(sent);
    }

    private static Set<Integer> union(Map<String, Set<Integer>> owners) {
        return owners.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    }

    private static Set<Integer> partitionsOf(Collection<String> ids) {
        return ids.stream().map(id -> partitionOf(index(id))).collect(Collectors.toSet());
    }

    private static String eventId(int index) {
        return "e-" + index;
    }

    private static int index(String eventId) {
        return Integer.parseInt(eventId.substring(2));
    }

    /** Event i goes to partition i mod 4, so that every partition gets a steady share. */
    private static int partitionOf(int index) {
        return index % PARTITIONS;
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : scorers.keySet()) {
            Path log = work.resolve(name + ".log");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
                out.append("--- scorer ").append(name).append(" (last 40 lines)\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append("--- scorer ").append(name).append(": log unreadable: ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    /** Produces events at a steady rate on its own thread until stopped; send failures fail the test. */
    private static final class SteadyEvents implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile int sent;
        private volatile Exception failure;

        SteadyEvents(KafkaProducer<String, byte[]> producer) {
            this.producer = producer;
            this.thread = new Thread(this::run, "steady-events");
            thread.start();
        }

        private void run() {
            long start = System.nanoTime();
            while (running) {
                long due = (System.nanoTime() - start) * EVENTS_PER_SECOND / 1_000_000_000L;
                while (sent < due && running) {
                    send(sent);
                    sent = sent + 1;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void send(int index) {
            Event.Builder event = Event.newBuilder().setId(eventId(index)).setTimestampMs(System.currentTimeMillis());
            for (int f = 0; f < INPUT; f++) {
                event.addFeatures((index * 31 + f) % 17 / 17f);
            }
            producer.send(new ProducerRecord<>(Topics.EVENTS.name(), partitionOf(index), eventId(index),
                    event.build().toByteArray()), (metadata, e) -> {
                        if (e != null) {
                            failure = e;
                        }
                    });
        }

        int sent() {
            return sent;
        }

        void checkHealthy() {
            if (failure != null) {
                throw new AssertionError("sending an event failed", failure);
            }
        }

        /** Stops producing, waits until every event is acknowledged; returns how many were sent. */
        int stop() throws InterruptedException {
            running = false;
            thread.join();
            producer.flush();
            checkHealthy();
            return sent;
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the event producer", e);
            }
        }
    }

    /** Every committed prediction of an event, duplicates included, read from the beginning. */
    private static final class Predictions implements AutoCloseable {
        private final KafkaConsumer<String, Prediction> consumer;
        private final List<Prediction> read = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();

        Predictions(KafkaSettings kafka) {
            consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka, "scale-out-reader", null),
                    new StringDeserializer(), Topics.PREDICTIONS.valueSerde().deserializer());
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(Topics.PREDICTIONS.name(), p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() {
            for (ConsumerRecord<String, Prediction> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.value().getSource() == Prediction.Source.EVENT) {
                    read.add(record.value());
                    ids.add(record.value().getId());
                }
            }
        }

        Set<String> ids() {
            return ids;
        }

        /** Reads until {@code expected} distinct events are predicted, then {@code quiet} longer for duplicates. */
        List<Prediction> readAll(int expected, Duration timeout, Duration quiet) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Optional<Long> quietUntil = Optional.empty();
            while (System.nanoTime() < deadline && quietUntil.map(t -> System.nanoTime() < t).orElse(true)) {
                poll();
                if (ids.size() >= expected && quietUntil.isEmpty()) {
                    quietUntil = Optional.of(System.nanoTime() + quiet.toNanos());
                }
            }
            return List.copyOf(read);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
