package io.streamlearn.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamlearn.common.topic.Topics;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.KafkaReads;
import io.streamlearn.ingest.testing.RunningIngest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker stops while clients keep sending: requests whose records Kafka did not take get 503 with
 * Retry-After (never 202), readiness follows the broker, and once it is back every acknowledged record is there.
 */
class BrokerOutageIT {
    private static final int CLIENTS = 4;
    private static final int BATCH = 20;

    @RegisterExtension
    static final RunningIngest INGEST = new RunningIngest(2, () -> new IngestConfig("127.0.0.1", 0, 4, 3, 1 << 20,
            1000, Duration.ofMillis(1500), 8, List.of(), Optional.empty(), "", Duration.ofMillis(500)));

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger sentAfterRestart = new AtomicInteger();

    @Test
    void shouldAnswer503ForWhatKafkaDidNotTakeAndLoseNothingAcknowledged() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean restarted = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            loops.add(clients.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    send(client, n, restarted.get());
                }
                return null;
            }));
        }
        try {
            awaitStatus(202, 1, Duration.ofSeconds(10));
            INGEST.broker().stop();
            awaitReady(false, Duration.ofSeconds(10));
            awaitStatus(503, CLIENTS, Duration.ofSeconds(20));
            INGEST.broker().restart();
            restarted.set(true);
            awaitReady(true, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sentAfterRestart.get() < 5 * CLIENTS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            running.set(false);
            INGEST.broker().restart();
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> loop : loops) {
            loop.get();
        }

        assertThat(statuses.keySet()).as("statuses " + statuses).containsOnly(202, 503);
        assertThat(sentAfterRestart.get()).as("requests accepted again after the restart").isPositive();
        Set<String> stored = new HashSet<>();
        KafkaReads.readAll(INGEST.kafka(), Topics.SAMPLES).forEach(r -> stored.add(r.key()));
        assertThat(stored).as("every acknowledged sample is in Kafka").containsAll(acknowledged);
        assertThat(INGEST.registry().getSampleValue("streamlearn_ingest_produce_errors_total"))
                .isEqualTo(statuses.get(503).get());
    }

    /** One batch of samples with ids of our own; remembers them when the answer is 202. */
    private void send(int client, int n, boolean afterRestart) throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < BATCH; i++) {
            String id = "c" + client + "-" + n + "-" + i;
            ids.add(id);
            body.append("{\"id\": \"").append(id).append("\", \"features\": [1, 2, 3, 4], \"label\": 1}\n");
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(INGEST.uri("/v1/samples"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
        if (response.statusCode() == 202) {
            acknowledged.addAll(ids);
            if (afterRestart) {
                sentAfterRestart.incrementAndGet();
            }
        } else if (response.statusCode() == 503) {
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.body()).contains("did not acknowledge");
        }
    }

    private void awaitStatus(int status, int count, Duration timeout) {
        await("answers " + status).atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> statuses.getOrDefault(status, new AtomicInteger()).get() >= count);
    }

    private void awaitReady(boolean ready, Duration timeout) {
        int expected = ready ? 200 : 503;
        await("/readyz " + expected).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> http.send(HttpRequest.newBuilder(INGEST.uri("/readyz")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), status -> status == expected);
    }
}
