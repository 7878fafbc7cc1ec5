package io.streamlearn.ingest.http;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.dataset.MnistFetcher;
import io.streamlearn.ingest.replay.HttpReplayer;
import io.streamlearn.ingest.validation.RequestParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ThroughputIT {
    @Test
    void measure() throws Exception {
        Dataset all = new MnistFetcher(MnistFetcher.defaultCacheDir()).fetch().readTrain();
        int n = 30_000;
        Dataset data = new Dataset("mnist30k", java.util.Arrays.copyOf(all.features(), n),
                java.util.Arrays.copyOf(all.labels(), n));
        // encode / parse cost of one 500 batch
        Method write = HttpReplayer.class.getDeclaredMethod("writeBatch", Dataset.class, int.class, int.class,
                ByteArrayOutputStream.class);
        write.setAccessible(true);
        RequestParser parser = new RequestParser(784, 10, 10000, System::currentTimeMillis);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            int batches = 0;
            long bytes = 0;
            long parseNs = 0;
            for (int i = 0; i < n; i += 500) {
                out.reset();
                write.invoke(null, data, i, i + 500, out);
                bytes += out.size();
                long p0 = System.nanoTime();
                parser.samples(new ByteArrayInputStream(out.toByteArray()));
                parseNs += System.nanoTime() - p0;
                batches++;
            }
            long total = System.nanoTime() - t0;
            System.out.printf("MEASURE encode+parse: %d batches, %.0f KB/batch, encode %.0f samples/s, parse %.0f samples/s%n",
                    batches, bytes / 1024.0 / batches, n / ((total - parseNs) / 1e9), n / (parseNs / 1e9));
        }
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), 3);
            IngestConfig config = new IngestConfig("127.0.0.1", 0, 784, 10, 16 << 20, 10000, Duration.ofSeconds(30), 8);
            try (IngestServer server = IngestServer.start(config, kafka, new CollectorRegistry())) {
                URI base = URI.create("http://127.0.0.1:" + server.port());
                for (int rep = 0; rep < 2; rep++) {
                    // raw producer
                    List<Sample> samples = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        Sample.Builder b = Sample.newBuilder().setId("raw-" + i).setLabel(data.labels()[i]);
                        for (float f : data.features()[i]) {
                            b.addFeatures(f);
                        }
                        samples.add(b.build());
                    }
                    long t0 = System.nanoTime();
                    java.util.Properties props = KafkaClients.producer(kafka, "raw");
                    props.put("batch.size", System.getProperty("bs", "16384"));
                    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props,
                            new ByteArraySerializer(), new ByteArraySerializer())) {
                        for (Sample s : samples) {
                            p.send(new ProducerRecord<>(Topics.SAMPLES.name(), s.getId().getBytes(), s.toByteArray()));
                        }
                        p.flush();
                    }
                    System.out.printf("MEASURE raw producer (protos prebuilt, serialize+send+flush): %.0f samples/s%n",
                            n / ((System.nanoTime() - t0) / 1e9));
                    for (int clients : new int[] {1, 2, 4}) {
                        t0 = System.nanoTime();
                        ExecutorService pool = Executors.newFixedThreadPool(clients);
                        List<Future<Long>> done = new ArrayList<>();
                        int slice = n / clients;
                        for (int c = 0; c < clients; c++) {
                            int from = c * slice;
                            done.add(pool.submit(() -> new HttpReplayer(base, 500, 0, 0)
                                    .replay(data, from, from + slice, (s, e) -> { })));
                        }
                        long sent = 0;
                        for (Future<Long> f : done) {
                            sent += f.get();
                        }
                        pool.shutdown();
                        System.out.printf("MEASURE HTTP API, %d client(s), batch 500: %.0f samples/s%n", clients,
                                sent / ((System.nanoTime() - t0) / 1e9));
                    }
                }
            }
        }
    }
}
