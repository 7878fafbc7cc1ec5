package io.streamlearn.bench.stage;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.http.IngestServer;
import io.streamlearn.ingest.kafka.IngestProducers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest throughput: the same labeled samples, in the same batches and with the same number of concurrent
 * clients, sent (a) as length-delimited protobuf bodies to {@code POST /v1/samples} of a running
 * {@link IngestServer}, which parses, validates and produces them and answers once Kafka acknowledged them, and
 * (b) straight to the samples topic by a raw Kafka producer with the ingest's producer settings, each client
 * sending its batch and waiting for the acknowledgements. Every request body and record is serialized before
 * the clock starts (the HTTP requests, head and body, into direct buffers, as {@link KeepAliveClient} sends them).
 */
public final class IngestBench {
    private static final Logger log = LoggerFactory.getLogger(IngestBench.class);

    private IngestBench() {
    }

    /**
     * [HTTP API, raw producer], one value per repetition each, alternating windows of {@code seconds} after a
     * {@code warmup}-second window of each: samples per wall-clock second and per CPU-second of this process
     * (clients, server and broker alike). The clients cycle through {@code samples} labeled samples in batches.
     */
    public static Timing.Rates[] run(KafkaSettings kafka, int samples, int batch, int clients, int reps,
                                     double seconds, double warmup) {
        List<Sample> data = Synthetic.samples(samples, "ingest-", 13);
        List<List<byte[]>> records = records(data, batch);
        IngestConfig config = IngestConfig.from(Settings.of(Map.of(IngestConfig.HTTP_PORT.name(), "0")));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<KeepAliveClient> connections = new CopyOnWriteArrayList<>();
        try (IngestServer server = IngestServer.start(config, kafka, new CollectorRegistry());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                     IngestProducers.properties(kafka, "bench-raw-producer", config.produceTimeout()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            List<ByteBuffer> requests = bodies(data, batch).stream()
                    .map(body -> KeepAliveClient.request(address, "/v1/samples", "application/x-protobuf", body))
                    .toList();
            ThreadLocal<KeepAliveClient> connection = ThreadLocal.withInitial(() -> connect(address, connections));
            Batch viaHttp = i -> post(connection.get(), requests.get(i));
            Batch viaProducer = i -> produce(producer, records.get(i));
            return Timing.interleavedWindows(clients("HTTP API", pool, clients, requests.size(), batch, viaHttp),
                    clients("raw producer", pool, clients, records.size(), batch, viaProducer), reps, seconds, warmup);
        } finally {
            pool.shutdownNow();
            connections.forEach(IngestBench::closeQuietly);
        }
    }

    /** One batch's round trip, by index. */
    @FunctionalInterface
    private interface Batch {
        void send(int index) throws Exception;
    }

    /**
     * A window in which {@code clients} threads send batches until the deadline, each taking the next one (cycling
     * through all {@code batches}); it counts the samples sent, and logs their rate (warm-up windows included, to
     * show whether the warm-up was long enough).
     */
    private static Timing.Window clients(String side, ExecutorService pool, int clients, int batches, int batchSize,
                                         Batch batch) {
        return deadline -> {
            long start = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        batch.send(Math.floorMod(next.getAndIncrement(), batches));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                await(w);
            }
            long sent = (long) next.get() * batchSize; // every claimed batch was sent: the claim precedes the send
            log.info("ingest window, {}: {} samples/s", side, Math.round(sent / ((System.nanoTime() - start) / 1e9)));
            return sent;
        };
    }

    private static void await(Future<?> worker) {
        try {
            worker.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an ingest client failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("an ingest client did not finish within 5 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void closeQuietly(KeepAliveClient client) {
        try {
            client.close();
        } catch (IOException e) {
            log.warn("closing an ingest client connection failed: {}", e.getMessage());
        }
    }

    private static KeepAliveClient connect(InetSocketAddress address, List<KeepAliveClient> opened) {
        try {
            KeepAliveClient client = new KeepAliveClient(address);
            opened.add(client);
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to the ingest API at " + address, e);
        }
    }

    private static void post(KeepAliveClient client, ByteBuffer request) throws IOException {
        KeepAliveClient.Response response = client.post(request);
        if (response.status() != 202) {
            throw new IllegalStateException("ingest answered " + response.status() + ": " + response.body());
        }
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, List<byte[]> keysAndValues)
            throws ExecutionException, InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(keysAndValues.size() / 2);
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            acks.add(producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), keysAndValues.get(i),
                    keysAndValues.get(i + 1))));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
    }

    /** Request bodies of {@code batch} length-delimited samples each. */
    private static List<byte[]> bodies(List<Sample> data, int batch) {
        List<byte[]> out = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batch) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Sample s : data.subList(from, Math.min(data.size(), from + batch))) {
                try {
                    s.writeDelimitedTo(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            out.add(body.toByteArray());
        }
        return out;
    }

    /** Per batch: key, value, key, value, ... as the ingest would produce them. */
    private static List<List<byte[]>> records(List<Sample> data, int batch) {
        List<List<byte[]>> out = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batch) {
            List<byte[]> kv = new ArrayList<>();
            for (Sample s : data.subList(from, Math.min(data.size(), from + batch))) {
                kv.add(s.getId().getBytes(StandardCharsets.UTF_8));
                kv.add(s.toByteArray());
            }
            out.add(kv);
        }
        return out;
    }
}
