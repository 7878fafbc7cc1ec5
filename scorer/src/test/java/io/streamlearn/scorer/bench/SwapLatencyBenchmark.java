package io.streamlearn.scorer.bench;

import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import io.streamlearn.scorer.testing.SteadyEvents;
import io.streamlearn.scorer.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Hot-swap latency on an embedded broker: over {@code --swaps} snapshots published while events stream at
 * {@code --rate} per second, the time from a snapshot's publication (its send acknowledged) to the first
 * prediction made with it ({@code scored_at_ms}) and to that prediction reaching a read_committed consumer. By
 * default every valid snapshot serves at once; {@code --promotion N} gates each on N labeled samples scored in
 * shadow (samples then stream at {@code --rate} too), which the latency then includes. Run with
 * {@code mvn -pl scorer test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.streamlearn.scorer.bench.SwapLatencyBenchmark -Dexec.args="--swaps 50 --rate 500"}.
 */
public final class SwapLatencyBenchmark {
    private static final int INPUT = 784;
    private static final int CLASSES = 10;
    private static final String MODEL = "bench";
    private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(30);

    private final Map<Long, Long> firstScoredAt = new ConcurrentHashMap<>();
    private final Map<Long, Long> firstSeenAt = new ConcurrentHashMap<>();

    private SwapLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int swaps = intArg(args, "--swaps", 50);
        int rate = intArg(args, "--rate", 500);
        int promotionSamples = intArg(args, "--promotion", 0);
        new SwapLatencyBenchmark().run(swaps, rate, promotionSamples);
    }

    private void run(int swaps, int rate, int promotionSamples) throws Exception {
        Path stateDir = Files.createTempDirectory("swap-latency-state");
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), 2);
            TopicAdmin.ensureTopics(kafka, Topics.ALL, Duration.ofSeconds(60));
            ScorerConfig config = new ScorerConfig(MODEL, INPUT, "swap-latency", ScorerConfig.EXACTLY_ONCE_V2,
                    stateDir, 100, 1).with(promotionSamples == 0 ? ScorerConfig.Promotion.IMMEDIATE
                    : new ScorerConfig.Promotion(true, promotionSamples, 0.01, 0, 5));
            List<Long> made = new ArrayList<>();
            List<Long> visible = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka, "bench"),
                    new StringSerializer(), new ByteArraySerializer());
                 ScorerService scorer = new ScorerService(config, kafka, new CollectorRegistry())) {
                publish(producer, 1);
                scorer.start();
                AtomicBoolean reading = new AtomicBoolean(true);
                Thread reader = new Thread(() -> read(kafka, reading), "bench-reader");
                reader.start();
                try (SteadyEvents events = SteadyEvents.start(producer, "e", rate, INPUT);
                     SteadyEvents samples = promotionSamples == 0 ? null
                             : SteadyEvents.samples(producer, "s", rate, INPUT, CLASSES)) {
                    awaitVersion(1);
                    for (long version = 2; version <= swaps + 1; version++) {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(100, 300));
                        long acked = publish(producer, version);
                        awaitVersion(version);
                        made.add(firstScoredAt.get(version) - acked);
                        visible.add(firstSeenAt.get(version) - acked);
                    }
                    events.stop();
                    if (samples != null) {
                        samples.stop();
                    }
                } finally {
                    reading.set(false);
                    reader.join();
                }
            }
            System.out.printf(Locale.ROOT, "%nswap latency over %d swaps, events at %d/s, 784 features, %s:%n",
                    swaps, rate, promotionSamples == 0 ? "promotion disabled (every valid snapshot serves at once)"
                            : "promotion after " + promotionSamples + " shadow samples (samples at " + rate + "/s)");
            System.out.println("  ack -> first prediction made (scored_at_ms):   " + summary(made));
            System.out.println("  ack -> first prediction read (read_committed): " + summary(visible));
        }
    }

    /** Publishes snapshot {@code version} and returns when its send was acknowledged, in epoch ms. */
    private static long publish(KafkaProducer<String, byte[]> producer, long version) throws Exception {
        byte[] snapshot = TestModels.snapshot(version, INPUT, CLASSES).toBuilder().setModelName(MODEL).build()
                .toByteArray();
        producer.send(new ProducerRecord<>(Topics.MODELS.name(), MODEL, snapshot)).get(30, TimeUnit.SECONDS);
        return System.currentTimeMillis();
    }

    private void read(KafkaSettings kafka, AtomicBoolean reading) {
        var props = KafkaClients.consumer(kafka, "bench-reader", null);
        // Measure the scorer, not the reader's long poll.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        try (KafkaConsumer<String, Prediction> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.PREDICTIONS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.PREDICTIONS.name())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            while (reading.get()) {
                for (ConsumerRecord<String, Prediction> record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    Prediction p = record.value();
                    firstSeenAt.putIfAbsent(p.getModelVersion(), now);
                    firstScoredAt.merge(p.getModelVersion(), p.getScoredAtMs(), Math::min);
                }
            }
        }
    }

    private void awaitVersion(long version) {
        await("a prediction by v" + version).atMost(SWAP_TIMEOUT).pollInterval(Duration.ofMillis(1))
                .until(() -> firstSeenAt.containsKey(version));
    }

    private static String summary(List<Long> latenciesMs) {
        List<Long> sorted = new ArrayList<>(latenciesMs);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "p50 %d ms, p99 %d ms, max %d ms (min %d ms)", percentile(sorted, 50),
                percentile(sorted, 99), sorted.get(sorted.size() - 1), sorted.get(0));
    }

    /** Nearest-rank percentile of a sorted list. */
    private static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
