package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.LatestSnapshot;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.PartitionOffset;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.learn.SampleDigest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import onnx.Onnx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a trainer JVM with SIGKILL at random moments while samples stream in, restarts it each time, and proves
 * from the published lineage alone that every sample was learned exactly once. Each snapshot names the offsets its
 * model learned up to, how many samples it learned and the digest of their ids; this test knows which sample lies
 * at which offset, so for <em>every</em> snapshot the count and the digest must equal those of exactly the samples
 * below its offsets: a sample learned twice, or lost, would break it. Unlearnable records in the stream must each
 * be dead-lettered exactly once, too. Reproduce a run with {@code -Dcrash.seed=<the logged seed>}.
 */
class TrainerCrashRecoveryIT {
    private static final Logger log = LoggerFactory.getLogger(TrainerCrashRecoveryIT.class);
    private static final String MODEL = "crash";
    private static final String GROUP = "crash-it-in-process";
    private static final int PARTITIONS = 2;
    private static final int SAMPLES = 12_000;
    private static final int PER_TICK = 20;
    /**
     * 400 samples a second: producing all takes 30 s, longer than three kill-and-restart cycles (5–6 s each on 2
     * cores), so every kill falls while samples still arrive. At 1,000 a second the trainer, which learns faster,
     * had caught up with the last sample before the third kill in one CI run.
     */
    private static final long TICK_MS = 50;
    private static final int KILLS = 3;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Positions in the stream of records the trainer cannot learn, sent between the samples. */
    private static final List<Integer> BAD_AT = List.of(700, 3_100, 6_500, 10_900);
    /** How long a member that stopped polling holds up a rebalance: many snapshot intervals of 100 ms. */
    private static final Duration IDLE_MEMBER_POLL_INTERVAL = Duration.ofSeconds(5);

    @TempDir
    Path checkpoints;
    private final Path logs = Path.of("target", "crash-it");
    private EmbeddedKafka broker;
    private KafkaSettings kafka;
    private Process trainer;
    private int starts;
    private final List<ModelSnapshot> snapshots = new ArrayList<>();
    private KafkaConsumer<String, ModelSnapshot> models;

    @BeforeEach
    void startBroker() throws IOException {
        broker = EmbeddedKafka.start();
        kafka = KafkaSettings.local(broker.bootstrapServers(), PARTITIONS);
        TopicAdmin.ensureTopics(kafka, List.of(Topics.SAMPLES, Topics.MODELS, Topics.DEAD_LETTERS, Topics.DRIFT_ALERTS),
                WAIT);
        models = reader(Topics.MODELS);
        Files.createDirectories(logs);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (trainer != null) {
            trainer.destroyForcibly().waitFor();
        }
        if (models != null) {
            models.close();
        }
        broker.close();
    }

    @Test
    void shouldLearnEverySampleExactlyOnceAlthoughTheTrainerIsKilledRepeatedly() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        log.info("crash test seed {} (rerun with -Dcrash.seed={})", seed, seed);
        Map<Integer, Object> produced = new ConcurrentHashMap<>(); // stream position -> Sample or bad bytes
        CompletableFuture<List<RecordMetadata>> producing = CompletableFuture.supplyAsync(() -> produce(produced));

        startTrainer();
        for (int kill = 1; kill <= KILLS; kill++) {
            long versionAtStart = latestVersion();
            awaitUntil(() -> latestVersion() > versionAtStart, "trainer start " + starts + " publishes a snapshot");
            Thread.sleep(random.nextInt(600));
            trainer.destroyForcibly().waitFor();
            log.info("kill {}: SIGKILL after snapshot v{} ({} samples learned), {} of {} records produced", kill,
                    latestVersion(), latest().getSamplesLearned(), produced.size(), SAMPLES + BAD_AT.size());
            assertThat(latest().getSamplesLearned()).as("killed while learning").isLessThan(SAMPLES);
            startTrainer();
        }
        List<RecordMetadata> sent = producing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitUntil(() -> learnedOffsets(latest()) == sent.size(), "the last snapshot covers every record");
        trainer.destroyForcibly().waitFor();

        Map<TopicPartition, TreeMap<Long, Object>> stream = byOffset(sent, produced);
        assertLineageCountsEverySampleOnce(stream);
        assertEachBadRecordDeadLetteredOnce(stream);
    }

    /**
     * The state a crash between checkpoint and commit leaves, made on purpose: the checkpoint has learned records
     * that the group's offsets do not cover. The restarted trainer must not learn them again, and must send their
     * dead letters again (in a real crash those were in the aborted transaction; here the first ones stay, so each
     * appears twice).
     */
    @Test
    void shouldNotRelearnButResendTheDeadLettersOfTheRecordsBetweenCommitAndCheckpoint() throws Exception {
        Blobs blobs = new Blobs(4, 8, 31);
        List<RecordMetadata> first = produceNow(blobs, "a", 200, 50, 150);
        runInProcessUntilLearned(200);
        Map<TopicPartition, Long> committedBefore = committed();
        List<RecordMetadata> second = produceNow(blobs, "b", 200, 20, 120);
        runInProcessUntilLearned(400);
        rewindGroup(committedBefore);
        List<RecordMetadata> third = produceNow(blobs, "c", 100, -1, -1);

        ModelSnapshot last = runInProcessUntilLearned(500);

        assertNotRelearnedButLettersResent(last, first.size() + second.size() + third.size());
    }

    /**
     * The same state, as a SIGKILL between checkpoint and commit leaves it: the newest snapshot is older than the
     * checkpoint (the newer one was in the aborted transaction), and the restarted trainer takes longer to join the
     * group than a snapshot interval (after a SIGKILL the group waits for the dead member's session to expire). So
     * the trainer publishes the checkpoint's learning before the group assigns it anything; that commit must leave
     * the group's offsets alone, or the records between them and the checkpoint's are never read again for their
     * dead letters. Here a member that stopped polling holds up the rebalance instead of a dead one.
     */
    @Test
    void shouldResendTheDeadLettersOfTheRecordsBetweenCommitAndCheckpointAlthoughItPublishesBeforeJoining()
            throws Exception {
        Blobs blobs = new Blobs(4, 8, 31);
        List<RecordMetadata> first = produceNow(blobs, "a", 200, 50, 150);
        ModelSnapshot firstRun = runInProcessUntilLearned(200);
        Map<TopicPartition, Long> committedBefore = committed();
        List<RecordMetadata> second = produceNow(blobs, "b", 200, 20, 120);
        runInProcessUntilLearned(400);
        rewindGroup(committedBefore);
        long newest = LatestSnapshot.read(kafka, MODEL, WAIT).orElseThrow().getVersion();
        publish(firstRun.toBuilder().setVersion(newest + 1).build());
        List<RecordMetadata> third = produceNow(blobs, "c", 100, -1, -1);

        KafkaConsumer<byte[], byte[]> idle = idleMember();
        ModelSnapshot last;
        try {
            last = runInProcessUntilLearned(500, Map.of("streamlearn.trainer.snapshot.every.ms", "100"));
        } finally {
            idle.close();
        }

        assertNotRelearnedButLettersResent(last, first.size() + second.size() + third.size());
    }

    private void rewindGroup(Map<TopicPartition, Long> offsets) throws Exception {
        try (var admin = Admin.create(KafkaClients.common(kafka, "crash-it-admin"))) {
            admin.alterConsumerGroupOffsets(GROUP, offsets.entrySet().stream().collect(Collectors.toMap(
                    Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))))
                    .all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private void publish(ModelSnapshot snapshot) throws Exception {
        try (var producer = new KafkaProducer<>(KafkaClients.producer(kafka, "crash-it-models"),
                Topics.MODELS.keySerde().serializer(), Topics.MODELS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MODELS.name(), MODEL, snapshot)).get();
        }
    }

    /**
     * A member of the trainer's group that got the partitions and then stopped polling: a rebalance waits for it
     * until its poll interval expires and it leaves the group.
     */
    private KafkaConsumer<byte[], byte[]> idleMember() {
        var props = KafkaClients.consumer(kafka, "crash-it-idle-member", GROUP);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(IDLE_MEMBER_POLL_INTERVAL.toMillis()));
        var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.SAMPLES.name()));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (consumer.assignment().isEmpty()) {
            assertThat(System.nanoTime()).as("the idle member joins %s", GROUP).isLessThan(deadline);
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    /** Produces {@code n} samples with ids {@code prefix-i}, and an undecodable record before samples badA and badB. */
    private List<RecordMetadata> produceNow(Blobs blobs, String prefix, int n, int badA, int badB) throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(KafkaClients.producer(kafka, "crash-it-now"), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                if (i == badA || i == badB) {
                    sent.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), prefix + "-bad-" + i,
                            new byte[] {(byte) 0xff, 0x01})).get());
                }
                Sample s = blobs.next(prefix + "-" + i);
                sent.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), s.getId(), s.toByteArray())).get());
            }
        }
        return sent;
    }

    /** Runs a trainer in this JVM until it has learned {@code samples}, closes it, returns its last snapshot. */
    private ModelSnapshot runInProcessUntilLearned(long samples) throws Exception {
        return runInProcessUntilLearned(samples, Map.of());
    }

    private ModelSnapshot runInProcessUntilLearned(long samples, Map<String, String> moreSettings) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "streamlearn.trainer.model.name", MODEL, "streamlearn.trainer.input.size", "8",
                "streamlearn.trainer.classes", "4", "streamlearn.trainer.hidden.layers", "16",
                "streamlearn.trainer.group.id", GROUP, "streamlearn.trainer.poll.timeout.ms", "50",
                "streamlearn.trainer.checkpoint.dir", checkpoints.toString()));
        settings.putAll(moreSettings);
        TrainerConfig config = TrainerConfig.from(Settings.of(settings));
        TrainerService service = new TrainerService(config, kafka, new CollectorRegistry());
        Thread thread = new Thread(service, "crash-it-trainer");
        thread.start();
        try {
            await("learning " + samples + " samples").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> service.samplesLearned() >= samples);
        } finally {
            service.close();
            thread.join(WAIT.toMillis());
        }
        assertThat(service.samplesLearned()).isEqualTo(samples);
        // close() committed the last snapshot; a read_committed reader sees it once the transaction's markers land.
        // latest() polls the consumer, which paces this loop.
        long deadline = System.nanoTime() + WAIT.toNanos();
        ModelSnapshot last;
        while ((last = latest()) == null || last.getSamplesLearned() < samples) {
            assertThat(System.nanoTime()).as("the snapshot of %s samples is readable", samples).isLessThan(deadline);
        }
        return last;
    }

    private Map<TopicPartition, Long> committed() throws Exception {
        try (var admin = Admin.create(KafkaClients.common(kafka, "crash-it-admin"))) {
            return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /** Every snapshot's count and digest equal those of exactly the samples below its offsets. */
    private void assertLineageCountsEverySampleOnce(Map<TopicPartition, TreeMap<Long, Object>> stream) throws Exception {
        readModels();
        assertThat(snapshots).hasSizeGreaterThan(KILLS);
        assertThat(snapshots).extracting(ModelSnapshot::getVersion).as("committed versions, no gaps, no repeats")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, snapshots.size()).boxed().toList());
        for (ModelSnapshot s : snapshots) {
            long count = 0;
            long digest = 0;
            for (PartitionOffset po : s.getOffsetsList()) {
                for (Object record : stream.get(new TopicPartition(po.getTopic(), po.getPartition()))
                        .headMap(po.getOffset()).values()) {
                    if (record instanceof Sample sample) {
                        count++;
                        digest += SampleDigest.of(sample.getId());
                    }
                }
            }
            assertThat(s.getSamplesLearned()).as("samples learned by v%s, offsets %s", s.getVersion(), offsets(s))
                    .isEqualTo(count);
            assertThat(digestOf(s)).as("digest of the samples learned by v%s, offsets %s", s.getVersion(), offsets(s))
                    .isEqualTo(SampleDigest.format(digest));
        }
        ModelSnapshot last = snapshots.get(snapshots.size() - 1);
        assertThat(last.getSamplesLearned()).isEqualTo(SAMPLES);
        assertThat(last.getOffsetsList()).allSatisfy(po -> assertThat(po.getOffset())
                .isEqualTo(stream.get(new TopicPartition(po.getTopic(), po.getPartition())).lastKey() + 1));
        log.info("lineage of {} snapshots checked: v{} learned {} samples exactly once through {} kills",
                snapshots.size(), last.getVersion(), last.getSamplesLearned(), KILLS);
    }

    private void assertEachBadRecordDeadLetteredOnce(Map<TopicPartition, TreeMap<Long, Object>> stream) {
        List<String> bad = new ArrayList<>();
        stream.forEach((tp, records) -> records.forEach((offset, r) -> {
            if (!(r instanceof Sample)) {
                bad.add(tp.partition() + "@" + offset);
            }
        }));
        List<String> letters = deadLetters().stream().filter(l -> l.getTopic().equals(Topics.SAMPLES.name()))
                .map(l -> l.getPartition() + "@" + l.getOffset()).toList();
        assertThat(letters).as("dead letters of the samples topic").containsExactlyInAnyOrderElementsOf(bad)
                .hasSize(BAD_AT.size());
    }

    /** The second run's records learned once, their dead letters sent again (the first ones stay: twice each). */
    private void assertNotRelearnedButLettersResent(ModelSnapshot last, int produced) {
        assertThat(last.getSamplesLearned()).as("the records of the second run are not learned again").isEqualTo(500);
        assertThat(last.getOffsetsList().stream().mapToLong(PartitionOffset::getOffset).sum()).isEqualTo(produced);
        assertThat(deadLettersPerKey())
                .isEqualTo(Map.of("a-bad-50", 1L, "a-bad-150", 1L, "b-bad-20", 2L, "b-bad-120", 2L));
    }

    /** How many dead letters each record key got. */
    private Map<String, Long> deadLettersPerKey() {
        return deadLetters().stream()
                .collect(Collectors.groupingBy(l -> l.getKey().toStringUtf8(), Collectors.counting()));
    }

    private List<DeadLetter> deadLetters() {
        try (KafkaConsumer<String, DeadLetter> consumer = reader(Topics.DEAD_LETTERS)) {
            return readToEnd(consumer).stream().map(ConsumerRecord::value).toList();
        }
    }

    private void startTrainer() throws IOException {
        starts++;
        File output = logs.resolve("trainer-" + starts + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                TrainerProcess.class.getName(), kafka.bootstrapServers(), Integer.toString(PARTITIONS),
                "streamlearn.trainer.model.name=" + MODEL,
                "streamlearn.trainer.input.size=8",
                "streamlearn.trainer.classes=4",
                "streamlearn.trainer.hidden.layers=16",
                "streamlearn.trainer.learning.rate=0.01",
                "streamlearn.trainer.snapshot.every.samples=400",
                "streamlearn.trainer.snapshot.every.ms=300",
                "streamlearn.trainer.poll.timeout.ms=50",
                "streamlearn.trainer.checkpoint.dir=" + checkpoints);
        builder.environment().put("OMP_NUM_THREADS", "1");
        trainer = builder.redirectErrorStream(true).redirectOutput(output).start();
        log.info("trainer start {}: pid {}, log {}", starts, trainer.pid(), output);
    }

    /** Sends the samples in stream order at about 1,000 per second, with the bad records at {@link #BAD_AT}. */
    private List<RecordMetadata> produce(Map<Integer, Object> produced) {
        Blobs blobs = new Blobs(4, 8, 21);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (var producer = new KafkaProducer<>(KafkaClients.producer(kafka, "crash-it-producer"), new StringSerializer(),
                new ByteArraySerializer())) {
            int position = 0;
            for (int i = 0; i < SAMPLES; i++) {
                if (BAD_AT.contains(i)) {
                    byte[] bad = i % 2 == 0 ? new byte[] {(byte) 0xff, 0x01}
                            : blobs.next("bad-" + i).toBuilder().setLabel(9).build().toByteArray();
                    produced.put(position++, bad);
                    sends.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), "bad-" + i, bad)));
                }
                Sample sample = blobs.next("sample-" + i);
                produced.put(position++, sample);
                sends.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), sample.getId(), sample.toByteArray())));
                if (i % PER_TICK == PER_TICK - 1) {
                    Thread.sleep(TICK_MS);
                }
            }
            producer.flush();
            List<RecordMetadata> metadata = new ArrayList<>();
            for (Future<RecordMetadata> f : sends) {
                metadata.add(f.get());
            }
            return metadata;
        } catch (Exception e) {
            throw new IllegalStateException("producing the samples failed", e);
        }
    }

    /** The records per partition by offset, from where each send landed. */
    private static Map<TopicPartition, TreeMap<Long, Object>> byOffset(List<RecordMetadata> sent, Map<Integer, Object> produced) {
        Map<TopicPartition, TreeMap<Long, Object>> stream = new TreeMap<>(
                Comparator.comparingInt(TopicPartition::partition));
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata m = sent.get(i);
            stream.computeIfAbsent(new TopicPartition(m.topic(), m.partition()), tp -> new TreeMap<>())
                    .put(m.offset(), produced.get(i));
        }
        return stream;
    }

    private static String digestOf(ModelSnapshot s) throws Exception {
        return Onnx.ModelProto.parseFrom(s.getOnnxModel().toByteArray()).getMetadataPropsList().stream()
                .filter(p -> p.getKey().equals(Snapshots.SAMPLE_DIGEST)).findFirst().orElseThrow().getValue();
    }

    private static String offsets(ModelSnapshot s) {
        return s.getOffsetsList().stream().map(o -> o.getPartition() + ":" + o.getOffset()).collect(Collectors.joining(","));
    }

    private static long learnedOffsets(ModelSnapshot s) {
        return s == null ? 0 : s.getOffsetsList().stream().mapToLong(PartitionOffset::getOffset).sum();
    }

    private ModelSnapshot latest() {
        readModels();
        readModels();
        return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    }

    private long latestVersion() {
        ModelSnapshot s = latest();
        return s == null ? 0 : s.getVersion();
    }

    /** Adds what arrived on the models topic (one key, so one partition, in order) to {@link #snapshots}. */
    private void readModels() {
        for (ConsumerRecord<String, ModelSnapshot> r : models.poll(Duration.ofMillis(100))) {
            if (MODEL.equals(r.key())) {
                snapshots.add(r.value());
            }
        }
    }

    /** Fails as soon as the trainer is found dead; polls in this thread, as conditions read the models consumer. */
    private void awaitUntil(BooleanSupplier condition, String what) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).pollInSameThread().until(() -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            assertThat(trainer.isAlive()).as("trainer start %s is alive (see %s) while waiting until %s", starts,
                    logs.resolve("trainer-" + starts + ".log"), what).isTrue();
            return false;
        });
    }

    private <V> KafkaConsumer<String, V> reader(Topic<String, V> topic) {
        var props = KafkaClients.consumer(kafka, "crash-it-" + topic.name(), null);
        props.put("max.partition.fetch.bytes", Integer.toString(Topics.MAX_SNAPSHOT_RECORD_BYTES));
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static <V> List<ConsumerRecord<String, V>> readToEnd(KafkaConsumer<String, V> consumer) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            assertThat(System.nanoTime()).as("reading to the end offsets %s", end).isLessThan(deadline);
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
