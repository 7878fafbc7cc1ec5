package io.streamlearn.ingest.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.dataset.IdxReader;
import io.streamlearn.ingest.dataset.MnistFetcher;
import io.streamlearn.ingest.http.IngestServer;
import io.streamlearn.ingest.kafka.IngestProducers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Samples per second through the ingest HTTP API (batched requests from several concurrent clients, protobuf and
 * JSON bodies) beside a raw Kafka producer sending the same records, all on one in-process broker, three runs
 * each after two warm-up rounds; prints the medians and the API's ratio to the raw producer, in samples per second and in
 * CPU time of the whole process per sample (steadier than wall time on a shared machine). MNIST images when they are
 * cached in {@code ~/.cache/streamlearn/mnist}, otherwise synthetic 784-pixel images.
 *
 * <pre>mvn -pl ingest test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.streamlearn.ingest.bench.IngestThroughputBenchmark \
 *   [-Dbench.samples=40000 -Dbench.batch=500 -Dbench.clients=4 -Dbench.runs=3 -Dbench.warmup=2
 *    -Dbench.modes=raw,protobuf,json
 *    -Dbench.client=urlconnection|httpclient]</pre>
 */
public final class IngestThroughputBenchmark {
    private static final int SAMPLES = Integer.getInteger("bench.samples", 40_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 500);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int WARMUP_ROUNDS = Integer.getInteger("bench.warmup", 2);
    /** HTTP client of the benchmark: urlconnection (HttpURLConnection, blocking) or httpclient (java.net.http). */
    private static final String CLIENT = System.getProperty("bench.client", "urlconnection");
    /** Which modes to run: raw (always first, the baseline), protobuf, json. */
    private static final List<String> MODES = List.of(System.getProperty("bench.modes", "raw,protobuf,json").split(","));
    private static final int PARTITIONS = 3;
    private static final int PIXELS = 784;

    private IngestThroughputBenchmark() {
    }

    /** One way of getting the samples into Kafka: prepares its input (untimed), then sends it. */
    private interface Mode {
        Send prepare(List<Sample> samples) throws Exception;
    }

    /** Sends what was prepared; returns samples per second. */
    private interface Send {
        double run() throws Exception;
    }

    /** Milliseconds spent in garbage collection so far. */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** CPU time of this whole process (clients, API, producer and broker alike), in nanoseconds. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        List<Sample> samples = samples(SAMPLES);
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), PARTITIONS);
            TopicAdmin.ensureTopics(kafka, List.of(Topics.SAMPLES), Duration.ofSeconds(30));
            IngestConfig config = new IngestConfig("127.0.0.1", 0, PIXELS, 10, 64 * 1024 * 1024, 10_000,
                    Duration.ofSeconds(30), 8);
            try (IngestServer server = IngestServer.start(config, kafka, new CollectorRegistry())) {
                URI samplesUri = URI.create("http://127.0.0.1:" + server.port() + "/v1/samples");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Map<String, Mode> modes = new LinkedHashMap<>();
                if (MODES.contains("raw")) {
                    modes.put("raw Kafka producer", s -> rawProducer(kafka, s));
                }
                if (MODES.contains("protobuf")) {
                    modes.put("HTTP application/x-protobuf", s -> {
                        List<byte[]> bodies = protobufBodies(s);
                        return () -> http(http, samplesUri, "application/x-protobuf", bodies);
                    });
                }
                if (MODES.contains("json")) {
                    modes.put("HTTP application/json", s -> {
                        List<byte[]> bodies = jsonBodies(s);
                        return () -> http(http, samplesUri, "application/json", bodies);
                    });
                }
                measure(modes, samples);
            }
        }
    }

    private static void measure(Map<String, Mode> modes, List<Sample> samples) throws Exception {
        // The JIT and the broker's log take a few full rounds to settle; runs before that only measure warm-up.
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            for (Mode mode : modes.values()) {
                mode.prepare(samples).run();
            }
        }
        Map<String, double[]> rates = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        modes.keySet().forEach(name -> {
            rates.put(name, new double[RUNS]);
            cpu.put(name, new double[RUNS]);
        });
        for (int run = 0; run < RUNS; run++) {
            for (Map.Entry<String, Mode> mode : modes.entrySet()) {
                Send send = mode.getValue().prepare(samples);
                System.gc();
                long cpuBefore = cpuNanos();
                long gcBefore = gcMillis();
                rates.get(mode.getKey())[run] = send.run();
                cpu.get(mode.getKey())[run] = (cpuNanos() - cpuBefore) / 1e6 / samples.size() * 1000;
                System.out.printf("run %d  %-30s %,10.0f samples/s  %6.1f CPU ms per 1000 samples  %5d ms in GC%n",
                        run + 1, mode.getKey(), rates.get(mode.getKey())[run], cpu.get(mode.getKey())[run],
                        gcMillis() - gcBefore);
            }
        }
        double raw = median(rates.values().iterator().next());
        double rawCpu = median(cpu.values().iterator().next());
        System.out.printf("%n%d samples of %d features (%,d bytes each as protobuf), batches of %d, %d HTTP clients"
                        + " (%s), %d partitions, %d cores%n", samples.size(), PIXELS, samples.get(0).getSerializedSize(),
                BATCH, CLIENTS, CLIENT, PARTITIONS, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-30s %-40s %10s %6s %18s %10s%n", "mode", "samples/s per run", "median", "ratio",
                "CPU ms/1000 (med)", "CPU ratio");
        rates.forEach((name, r) -> System.out.printf("%-30s %-40s %,10.0f %6.2f %18.1f %10.2f%n", name,
                Arrays.stream(r).mapToObj(v -> String.format("%,.0f", v)).toList(), median(r), median(r) / raw,
                median(cpu.get(name)), rawCpu / median(cpu.get(name))));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** The records with the ingest service's producer settings: send all, then wait for every acknowledgement. */
    private static Send rawProducer(KafkaSettings kafka, List<Sample> samples) {
        List<byte[]> keys = new ArrayList<>(samples.size());
        List<byte[]> values = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            keys.add(s.getId().getBytes(StandardCharsets.UTF_8));
            values.add(s.toByteArray());
        }
        return () -> {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(IngestProducers.properties(kafka,
                    "bench-raw", Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.partitionsFor(Topics.SAMPLES.name());
                long start = System.nanoTime();
                List<Future<?>> acks = new ArrayList<>(values.size());
                for (int i = 0; i < values.size(); i++) {
                    acks.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), keys.get(i), values.get(i))));
                }
                for (Future<?> ack : acks) {
                    ack.get();
                }
                return values.size() / ((System.nanoTime() - start) / 1e9);
            }
        };
    }

    /** The bodies posted by {@link #CLIENTS} threads, each taking the next body until none is left. */
    private static double http(HttpClient http, URI uri, String contentType, List<byte[]> bodies) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        List<Future<Integer>> sent = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            sent.add(clients.submit(() -> {
                int accepted = 0;
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    post(http, uri, contentType, bodies.get(i));
                    accepted += BATCH;
                }
                return accepted;
            }));
        }
        clients.shutdown();
        for (Future<Integer> f : sent) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return samples(bodies) / seconds;
    }

    /** One POST that must be answered 202, with the JDK's HttpClient or its leaner blocking HttpURLConnection. */
    private static void post(HttpClient http, URI uri, String contentType, byte[] body) throws Exception {
        if (CLIENT.equals("httpclient")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
            }
            return;
        }
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        c.setRequestProperty("Content-Type", contentType);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            byte[] answer = in.readAllBytes();
            if (status != 202) {
                throw new IllegalStateException("ingest answered " + status + ": "
                        + new String(answer, StandardCharsets.UTF_8));
            }
        }
    }

    private static int samples(List<byte[]> bodies) {
        return bodies.size() * BATCH;
    }

    private static List<byte[]> protobufBodies(List<Sample> samples) {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i + BATCH <= samples.size(); i += BATCH) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                for (Sample s : samples.subList(i, i + BATCH)) {
                    s.writeDelimitedTo(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bodies.add(out.toByteArray());
        }
        return bodies;
    }

    private static List<byte[]> jsonBodies(List<Sample> samples) throws IOException {
        JsonFactory json = new JsonFactory();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i + BATCH <= samples.size(); i += BATCH) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartArray();
                for (Sample s : samples.subList(i, i + BATCH)) {
                    g.writeStartObject();
                    g.writeStringField("id", s.getId());
                    g.writeArrayFieldStart("features");
                    for (int j = 0; j < s.getFeaturesCount(); j++) {
                        float v = s.getFeatures(j);
                        if (v == 0f) {
                            g.writeNumber(0);
                        } else {
                            g.writeNumber(v);
                        }
                    }
                    g.writeEndArray();
                    g.writeNumberField("label", s.getLabel());
                    g.writeNumberField("timestamp", s.getTimestampMs());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            bodies.add(out.toByteArray());
        }
        return bodies;
    }

    /** MNIST training images when cached, else synthetic ones with MNIST's share of dark pixels. */
    private static List<Sample> samples(int n) throws IOException {
        Path cache = MnistFetcher.defaultCacheDir();
        float[][] images;
        int[] labels;
        if (Files.isRegularFile(cache.resolve("train-images-idx3-ubyte"))) {
            var mnist = IdxReader.read("mnist", cache.resolve("train-images-idx3-ubyte"),
                    cache.resolve("train-labels-idx1-ubyte"));
            images = mnist.features();
            labels = mnist.labels();
            System.out.println("records: MNIST training images from " + cache);
        } else {
            Random rnd = new Random(1);
            images = new float[n][PIXELS];
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < PIXELS; j++) {
                    images[i][j] = rnd.nextInt(5) == 0 ? rnd.nextInt(256) / 255f : 0f;
                }
                labels[i] = rnd.nextInt(10);
            }
            System.out.println("records: synthetic 784-pixel images (MNIST is not cached)");
        }
        List<Sample> out = new ArrayList<>(n);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            Sample.Builder b = Sample.newBuilder().setId(UUID.randomUUID().toString()).setLabel(labels[i % labels.length])
                    .setTimestampMs(now);
            for (float v : images[i % images.length]) {
                b.addFeatures(v);
            }
            out.add(b.build());
        }
        return out;
    }
}
