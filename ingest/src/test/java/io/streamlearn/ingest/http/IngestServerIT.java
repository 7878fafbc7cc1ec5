package io.streamlearn.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.replay.HttpReplayer;
import io.streamlearn.ingest.KafkaReads;
import io.streamlearn.ingest.replay.DriftInjector;
import io.streamlearn.ingest.replay.KafkaReplayer;
import io.streamlearn.ingest.testing.RunningIngest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ingest API on a real in-process Kafka broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestServerIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GOOD = "{\"features\": [0.5, 1, 0, -2], \"label\": 1}";

    @RegisterExtension
    static final RunningIngest INGEST = new RunningIngest(2,
            () -> new IngestConfig("127.0.0.1", 0, 4, 3, 8192, 50, Duration.ofSeconds(10), 2));

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(INGEST.uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, "application/json", body);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return MAPPER.readTree(response.body());
    }

    private static List<String> ids(HttpResponse<String> response) throws Exception {
        List<String> ids = new ArrayList<>();
        json(response).get("ids").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    @Test
    @Order(1)
    void shouldProduceAcceptedSamplesKeyedById() throws Exception {
        HttpResponse<String> response = post("/v1/samples", "application/json; charset=UTF-8",
                "[{\"id\": \"s-1\", \"features\": [0.5, 1, 0, -2], \"label\": 1, \"timestamp\": 42}, " + GOOD + "]");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
        List<String> ids = ids(response);
        assertThat(ids.get(0)).isEqualTo("s-1");
        Map<String, Sample> produced = read(Topics.SAMPLES, ids);
        assertThat(produced.get("s-1")).isEqualTo(Sample.newBuilder().setId("s-1").addFeatures(0.5f)
                .addFeatures(1f).addFeatures(0f).addFeatures(-2f).setLabel(1).setTimestampMs(42).build());
        assertThat(produced.get(ids.get(1)).getId()).isEqualTo(ids.get(1));
        assertThat(produced.get(ids.get(1)).getTimestampMs()).isPositive();
    }

    @Test
    @Order(2)
    void shouldProduceEventsByIdAndLabelsByEventId() throws Exception {
        HttpResponse<String> events = post("/v1/events", "{\"id\": \"e-1\", \"features\": [1, 2, 3, 4]}");
        HttpResponse<String> labels = post("/v1/labels",
                "[{\"event_id\": \"e-1\", \"label\": 2}, {\"eventId\": \"e-2\", \"label\": 0}]");

        assertThat(events.statusCode()).as(events.body()).isEqualTo(202);
        assertThat(labels.statusCode()).as(labels.body()).isEqualTo(202);
        assertThat(ids(labels)).containsExactly("e-1", "e-2");
        assertThat(read(Topics.EVENTS, List.of("e-1")).get("e-1").getFeaturesList()).containsExactly(1f, 2f, 3f, 4f);
        Map<String, Label> produced = read(Topics.LABELS, List.of("e-1", "e-2"));
        assertThat(produced.get("e-1").getLabel()).isEqualTo(2);
        assertThat(produced.get("e-2").getEventId()).isEqualTo("e-2");
    }

    @Test
    @Order(3)
    void shouldRejectBadRequestsSayingWhereAndProduceNothing() throws Exception {
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> malformed = post("/v1/samples", "[" + GOOD + ",\n {\"features\": [1, 2,]}]");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("line").asInt()).isEqualTo(2);
        assertThat(json(malformed).get("column").asInt()).isPositive();
        assertThat(json(malformed).get("error").asText()).startsWith("malformed JSON at line 2");

        assertProblem(post("/v1/samples", "[" + GOOD + ", {\"features\": [1, 2, 3], \"label\": 0}]"),
                1, "features", "wrong_feature_count");
        assertProblem(post("/v1/samples", "{\"features\": [1, NaN, 3, 4], \"label\": 0}"),
                0, "features[1]", "non_finite_feature");
        assertProblem(post("/v1/samples", "{\"features\": [1, 2, 3, 4], \"label\": 3}"),
                0, "label", "label_out_of_range");
        assertProblem(post("/v1/samples", "{\"features\": [1, 2, 3, 4]}"), 0, "label", "missing_field");
        assertProblem(post("/v1/events", "{\"features\": [1, 2, \"3\", 4]}"), 0, "features[2]", "wrong_type");
        assertProblem(post("/v1/labels", "{\"event_id\": 5, \"label\": 1}"), 0, "event_id", "wrong_type");
        assertThat(post("/v1/samples", "[]").statusCode()).isEqualTo(400);
        assertThat(post("/v1/samples", "[" + String.join(",", Collections.nCopies(51, "{}")) + "]").statusCode())
                .isEqualTo(413);

        HttpResponse<String> large = post("/v1/samples", "[" + (GOOD + ",").repeat(200) + GOOD + "]");
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(json(large).get("error").asText()).contains("8192 bytes");
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(INGEST.uri("/v1/samples"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        ("[" + (GOOD + ",").repeat(400) + GOOD + "]").getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as("body without Content-Length, limit checked while reading")
                .isEqualTo(413);

        assertThat(post("/v1/samples", "text/plain", GOOD).statusCode()).isEqualTo(415);
        assertThat(post("/v1/samples", "application/json; charset=ISO-8859-1", GOOD).statusCode()).isEqualTo(415);
        assertThat(post("/v2/samples", GOOD).statusCode()).isEqualTo(404);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(INGEST.uri("/v1/samples")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        assertThat(endOffsets()).as("nothing of a rejected request is produced").isEqualTo(before);
        assertThat(metric("streamlearn_ingest_records_rejected_total", "samples", "batch_rejected")).isEqualTo(1);
        assertThat(metric("streamlearn_ingest_requests_total", "samples", "413")).isEqualTo(3);
    }

    private static void assertProblem(HttpResponse<String> response, int index, String field, String code)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode problem = json(response).get("problems").get(0);
        assertThat(problem.get("index").asInt()).isEqualTo(index);
        assertThat(problem.get("field").asText()).isEqualTo(field);
        assertThat(problem.get("code").asText()).isEqualTo(code);
        assertThat(problem.get("reason").asText()).isNotBlank();
    }

    @Test
    @Order(4)
    void shouldAnswerHealthAndCountMetrics() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(INGEST.uri("/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(metric("streamlearn_ingest_records_accepted_total", "samples", "json")).isGreaterThanOrEqualTo(2);
        assertThat(INGEST.settledRegistry().getSampleValue("streamlearn_ingest_request_seconds_count",
                new String[] {"endpoint"}, new String[] {"samples"})).isGreaterThan(5);
        assertThat(metric("streamlearn_ingest_request_bytes_total", "samples")).isGreaterThan(1000);
    }

    @Test
    @Order(5)
    void shouldReplayEverySampleOfADataset() throws Exception {
        int n = 1234;
        float[][] features = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            features[i] = new float[] {i, i / 1000f, 0f, -1f};
            labels[i] = i % 3;
        }
        Map<TopicPartition, Long> before = endOffsets();

        long sent = new HttpReplayer(INGEST.base(), 40, 0, 0).replay(new Dataset("synthetic", features, labels),
                (count, elapsed) -> { });

        assertThat(sent).isEqualTo(n);
        long produced = endOffsets().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.SAMPLES.name()))
                .mapToLong(e -> e.getValue() - before.get(e.getKey())).sum();
        assertThat(produced).isEqualTo(n);
    }

    @Test
    @Order(6)
    void shouldAcceptNdjsonCsvAndProtobufBodiesAsTheSameRecords() throws Exception {
        Sample proto = Sample.newBuilder().setId("f-proto").addAllFeatures(List.of(1f, 2f, 3f, 4f)).setLabel(2)
                .setTimestampMs(77).build();
        ByteArrayOutputStream delimited = new ByteArrayOutputStream();
        proto.writeDelimitedTo(delimited);
        double protobufBefore = metric("streamlearn_ingest_records_accepted_total", "samples", "protobuf");

        HttpResponse<String> ndjson = post("/v1/samples", "application/x-ndjson",
                "{\"id\": \"f-ndjson\", \"features\": [1, 2, 3, 4], \"label\": 2, \"timestamp\": 77}\n");
        HttpResponse<String> csv = post("/v1/samples", "text/csv",
                "id,a,b,c,d,label,timestamp\r\nf-csv,1,2,3,4,2,77\r\n");
        HttpResponse<String> protobuf = http.send(HttpRequest.newBuilder(INGEST.uri("/v1/samples"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(delimited.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> labels = post("/v1/labels", "text/csv", "event_id,label\ne-csv,1\n");

        for (HttpResponse<String> r : List.of(ndjson, csv, protobuf, labels)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        Map<String, Sample> produced = read(Topics.SAMPLES, List.of("f-ndjson", "f-csv", "f-proto"));
        assertThat(produced.get("f-proto")).isEqualTo(proto);
        assertThat(produced.get("f-csv")).isEqualTo(proto.toBuilder().setId("f-csv").build());
        assertThat(produced.get("f-ndjson")).isEqualTo(proto.toBuilder().setId("f-ndjson").build());
        assertThat(read(Topics.LABELS, List.of("e-csv")).get("e-csv").getLabel()).isEqualTo(1);
        assertThat(metric("streamlearn_ingest_records_accepted_total", "samples", "protobuf"))
                .isEqualTo(protobufBefore + 1);
        assertThat(metric("streamlearn_ingest_records_accepted_total", "samples", "csv")).isEqualTo(1);
    }

    @Test
    @Order(7)
    void shouldAnswerReadyWhileKafkaAnswersAndServeTheOpenApiDocument() throws Exception {
        HttpResponse<String> ready = get("/readyz");
        HttpResponse<String> openApi = get("/openapi.yaml");

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(json(ready).get("status").asText()).isEqualTo("ready");
        assertThat(INGEST.registry().getSampleValue("streamlearn_ingest_kafka_ready")).isEqualTo(1);
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.headers().firstValue("Content-Type")).hasValue("application/yaml");
        assertThat(openApi.body()).startsWith("openapi: 3.").contains("/v1/samples:");
        assertThat(post("/readyz", "").statusCode()).isEqualTo(405);
    }

    @Test
    @Order(8)
    void shouldReplayWithDriftStraightIntoKafka() throws Exception {
        int n = 300;
        float[][] features = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            features[i] = new float[] {i, 0f, 0f, 1f};
            labels[i] = i % 3;
        }
        Map<TopicPartition, Long> before = KafkaReads.endOffsets(INGEST.kafka(), List.of(Topics.SAMPLES));
        List<Long> progress = new ArrayList<>();

        long sent;
        try (KafkaReplayer replayer = new KafkaReplayer(INGEST.kafka(), 64, 0)) {
            sent = replayer.replay(new Dataset("synthetic", features, labels), 0, n,
                    DriftInjector.labelPermutation(150, 1, 3), (count, elapsed) -> progress.add(count));
        }

        assertThat(sent).isEqualTo(n);
        assertThat(progress).hasSize(5).last().isEqualTo((long) n);
        List<Sample> produced = KafkaReads.read(INGEST.kafka(), Topics.SAMPLES, before).stream()
                .map(r -> decode(Topics.SAMPLES, r.value())).toList();
        assertThat(produced).hasSize(n);
        assertThat(produced).allSatisfy(s -> {
            int i = (int) s.getFeatures(0);
            assertThat(s.getLabel()).as("sample %d", i).isEqualTo(i < 150 ? i % 3 : (i + 1) % 3);
            assertThat(s.getId()).isNotEmpty();
        });
    }

    @Test
    @Order(9)
    void shouldFinishARequestInFlightWhenClosedAndAcceptNoMore() throws Exception {
        CollectorRegistry own = new CollectorRegistry();
        IngestServer closing = IngestServer.start(new IngestConfig("127.0.0.1", 0, 4, 3, 8192, 50,
                Duration.ofSeconds(3), 2), INGEST.kafka(), own);
        URI uri = URI.create("http://127.0.0.1:" + closing.port() + "/v1/samples");
        byte[] body = "{\"id\": \"in-flight\", \"features\": [1, 2, 3, 4], \"label\": 0}"
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", closing.port())) {
            // Headers and half the body now, the rest once close() has begun: the request is in flight.
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/samples HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            await("the request in flight").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> own.getSampleValue("streamlearn_ingest_requests_in_flight") >= 1);
            assertThat(own.getSampleValue("streamlearn_ingest_requests_in_flight")).isEqualTo(1);

            CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
            Thread.sleep(300);
            assertThat(closed).as("close waits for the request in flight").isNotDone();
            out.write(body, 10, body.length - 10);
            out.flush();

            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            closed.get(15, TimeUnit.SECONDS);
            assertThat(statusLine).startsWith("HTTP/1.1 202");
        }
        assertThat(read(Topics.SAMPLES, List.of("in-flight"))).containsKey("in-flight");
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GOOD)).build(), HttpResponse.BodyHandlers.ofString()))
                .as("the port is closed").isInstanceOf(IOException.class);
    }

    @Test
    @Order(10)
    void shouldKeepTheConnectionOpenAfterABodyLargerThanTheDrainLimit() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; ndjson.length() <= 100 * 1024; i++) {
            ndjson.append("{\"id\": \"big-").append(i).append("\", \"features\": [0.25, 1, 0, -2], \"label\": 2}\n");
        }
        byte[] body = ndjson.toString().getBytes(StandardCharsets.UTF_8);
        try (IngestServer large = IngestServer.start(new IngestConfig("127.0.0.1", 0, 4, 3, 1 << 20, 10_000,
                Duration.ofSeconds(3), 2), INGEST.kafka(), new CollectorRegistry());
             Socket socket = new Socket("127.0.0.1", large.port())) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (int request = 0; request < 2; request++) {
                out.write(("POST /v1/samples HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                List<String> head = new ArrayList<>();
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    head.add(line.toLowerCase(Locale.ROOT));
                }
                assertThat(head.get(0)).as("request %d", request).startsWith("http/1.1 202");
                assertThat(head).as("request %d", request).doesNotContain("connection: close");
                int length = head.stream().filter(h -> h.startsWith("content-length:"))
                        .mapToInt(h -> Integer.parseInt(h.substring(15).trim())).findFirst().orElseThrow();
                in.skip(length);
            }
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(INGEST.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <V> V decode(Topic<String, V> topic, byte[] value) {
        return topic.valueSerde().deserializer().deserialize(topic.name(), value);
    }

    private double metric(String name, String... labelValues) {
        String second = name.contains("rejected") ? "reason" : name.contains("accepted") ? "format" : "status";
        String[] labels = labelValues.length == 1 ? new String[] {"endpoint"} : new String[] {"endpoint", second};
        Double value = INGEST.settledRegistry().getSampleValue(name, labels, labelValues);
        return value == null ? 0 : value;
    }

    private Map<TopicPartition, Long> endOffsets() {
        return KafkaReads.endOffsets(INGEST.kafka(), List.of(Topics.SAMPLES, Topics.EVENTS, Topics.LABELS));
    }

    /**
     * The wanted keys' records on the topic, decoded. Reading up to the current end suffices: a 202 comes only
     * after an acks=all producer's acknowledgement, so the records are below the end offsets by then.
     */
    private <V> Map<String, V> read(Topic<String, V> topic, List<String> keys) {
        Map<String, V> found = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : KafkaReads.readAll(INGEST.kafka(), topic)) {
            if (keys.contains(r.key())) {
                found.put(r.key(), decode(topic, r.value()));
            }
        }
        assertThat(found.keySet()).as("records on " + topic).containsExactlyInAnyOrderElementsOf(keys);
        return found;
    }
}
