package io.streamlearn.bench.memory;

import io.streamlearn.bench.kafka.BenchTopics;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory of each service under load, each in its own JVM with its own -Xmx, against a fresh broker in this JVM:
 * ingest takes labeled samples and events over HTTP at fixed rates, the trainer learns the samples and publishes
 * snapshots, the scorer scores both and swaps snapshots (its defaults: exactly-once, promotion on), monitoring
 * evaluates the predictions; beside them the pass-through peer copies the same input. Every second the resident
 * set of each process is read from /proc.
 */
public final class MemoryBench {
    private static final Logger log = LoggerFactory.getLogger(MemoryBench.class);
    public static final String PEER = "pass-through";

    private MemoryBench() {
    }

    /** Rates in records/s, how long the load runs, and each service's -Xmx. */
    public record Plan(double samplesPerSecond, double eventsPerSecond, Duration duration, Map<String, String> xmx) {
    }

    /** One process's resident set over the run: one sample per second (KiB), and its high-water mark at the end. */
    public record Series(String service, String xmx, long[] rssKb, long peakKb) {
        /** Highest resident set in each third of the run, MiB. */
        public double[] thirdsMb() {
            double[] out = new double[3];
            for (int t = 0; t < 3; t++) {
                long max = 0;
                for (int i = t * rssKb.length / 3; i < (t + 1) * rssKb.length / 3; i++) {
                    max = Math.max(max, rssKb[i]);
                }
                out[t] = max / 1024.0;
            }
            return out;
        }

        /** Least-squares slope of the resident set over the second half of the run, MiB per minute. */
        public double secondHalfSlopeMbPerMinute() {
            int from = rssKb.length / 2;
            int n = rssKb.length - from;
            double mx = (n - 1) / 2.0;
            double my = 0;
            for (int i = from; i < rssKb.length; i++) {
                my += rssKb[i] / 1024.0;
            }
            my /= n;
            double sxy = 0;
            double sxx = 0;
            for (int i = 0; i < n; i++) {
                sxy += (i - mx) * (rssKb[from + i] / 1024.0 - my);
                sxx += (i - mx) * (i - mx);
            }
            return sxx == 0 ? 0 : sxy / sxx * 60; // one sample per second
        }
    }

    /** What the run did: the memory series and how much flowed, as a check that every service worked. */
    public record Result(List<Series> series, long samplesSent, long eventsSent, long httpFailures,
                         long predictions, long snapshots, long passThroughCopies) {
    }

    public static Result run(Plan plan, Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir, e);
        }
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), 3);
            List<Topic<?, ?>> topics = new ArrayList<>(Topics.ALL);
            topics.add(BenchTopics.PASS_THROUGH_OUT);
            TopicAdmin.ensureTopics(kafka, topics, Duration.ofSeconds(60));
            int httpPort = freePort();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("STREAMLEARN_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            env.put("STREAMLEARN_METRICS_HOST", "127.0.0.1");
            env.put("STREAMLEARN_METRICS_PORT", "0");
            List<ServiceProcess> processes = new ArrayList<>();
            try {
                processes.add(service("ingest", "io.streamlearn.ingest.IngestMain", plan, env,
                        Map.of("STREAMLEARN_INGEST_HTTP_PORT", Integer.toString(httpPort)), workDir));
                processes.add(service("trainer", "io.streamlearn.trainer.TrainerMain", plan, env, Map.of(), workDir));
                processes.add(service("scorer", "io.streamlearn.scorer.ScorerMain", plan, env,
                        Map.of("STREAMLEARN_SCORER_STATE_DIR", workDir.resolve("scorer-state").toString()), workDir));
                processes.add(service("monitoring", "io.streamlearn.monitoring.MonitoringMain", plan, env,
                        Map.of("STREAMLEARN_MONITORING_STATE_DIR", workDir.resolve("monitoring-state").toString()),
                        workDir));
                processes.add(ServiceProcess.start(PEER, PassThroughMain.class.getName(), plan.xmx().get(PEER),
                        Map.of(), List.of(broker.bootstrapServers(), workDir.resolve("pass-through-state").toString()),
                        workDir));
                URI base = URI.create("http://127.0.0.1:" + httpPort);
                awaitReady(base, processes);
                return measure(plan, base, processes, kafka);
            } finally {
                processes.forEach(ServiceProcess::close);
            }
        }
    }

    private static ServiceProcess service(String name, String main, Plan plan, Map<String, String> common,
                                          Map<String, String> own, Path workDir) {
        Map<String, String> env = new LinkedHashMap<>(common);
        env.putAll(own);
        return ServiceProcess.start(name, main, plan.xmx().get(name), env, List.of(), workDir);
    }

    private static Result measure(Plan plan, URI base, List<ServiceProcess> processes, KafkaSettings kafka) {
        int seconds = (int) plan.duration().toSeconds();
        long[][] rss = new long[processes.size()][seconds];
        long next = System.nanoTime();
        HttpLoad load = new HttpLoad(base, plan.samplesPerSecond(), plan.eventsPerSecond()).start();
        try (load) {
            for (int s = 0; s < seconds; s++) {
                next += 1_000_000_000L;
                sleepUntil(next);
                for (int p = 0; p < processes.size(); p++) {
                    rss[p][s] = processes.get(p).rssKb();
                }
                if (s % 30 == 29) {
                    log.info("memory run: {} s of {}, {} samples and {} events sent, RSS {}", s + 1, seconds,
                            load.samplesSent(), load.eventsSent(), describe(processes, rss, s));
                }
            }
        }
        List<Series> series = new ArrayList<>();
        for (int p = 0; p < processes.size(); p++) {
            ServiceProcess process = processes.get(p);
            series.add(new Series(process.name(), plan.xmx().get(process.name()), rss[p], process.peakRssKb()));
        }
        try (Admin admin = Admin.create(KafkaClients.common(kafka, "bench-memory-check"))) {
            return new Result(series, load.samplesSent(), load.eventsSent(), load.failures(),
                    total(admin, Topics.PREDICTIONS.name()), total(admin, Topics.MODELS.name()),
                    total(admin, BenchTopics.PASS_THROUGH_OUT.name()));
        }
    }

    private static String describe(List<ServiceProcess> processes, long[][] rss, int s) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < processes.size(); p++) {
            b.append(processes.get(p).name()).append(' ').append(rss[p][s] / 1024).append(" MiB; ");
        }
        return b.toString();
    }

    private static long total(Admin admin, String topic) {
        return BenchTopics.endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits for ingest's readiness probe (it answers once Kafka does); fails if any service has died. */
    private static void awaitReady(URI base, List<ServiceProcess> processes) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (ServiceProcess p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(p.name() + " exited during start-up:\n" + p.tail());
                }
            }
            try {
                if (client.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                log.debug("ingest not answering yet: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for ingest", e);
            }
            sleepUntil(System.nanoTime() + 200_000_000L);
        }
        throw new IllegalStateException("ingest was not ready within 90 s");
    }

    private static void sleepUntil(long nanos) {
        for (long now = System.nanoTime(); now < nanos; now = System.nanoTime()) {
            try {
                Thread.sleep(Math.max(1, (nanos - now) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }
}
