package io.streamlearn.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import io.prometheus.client.Collector;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.KafkaReads;
import io.streamlearn.ingest.testing.RunningIngest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded random fuzzer against the running API on a real broker: thousands of valid bodies in every format,
 * mutations of them (bit flips, cuts, splices, hostile numbers), random bytes, wrong and random content types,
 * to every route. The API must never answer 500 or break, must accept every unmutated valid body, and every
 * 202 must match records in Kafka, by count and id. Each attempt draws from {@code Random(seed, attempt)}, so a
 * failure names the seed and attempt that reproduce it ({@code -Dingest.fuzz.seed=...}).
 */
class IngestFuzzIT {
    private static final Logger log = LoggerFactory.getLogger(IngestFuzzIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = Integer.getInteger("ingest.fuzz.attempts", 3000);
    private static final int WORKERS = 8;
    private static final int INPUT_SIZE = 4;
    private static final int CLASSES = 3;
    private static final int MAX_BODY = 16 * 1024;
    private static final int MAX_RECORDS = 40;
    private static final List<String> POST_PATHS = List.of("/v1/samples", "/v1/events", "/v1/labels");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/x-ndjson",
            "text/csv", "application/x-protobuf");
    private static final List<String> ODD_CONTENT_TYPES = List.of("", "text/plain", "application/xml",
            "application/json; charset=iso-8859-1", "text/csv; charset=\"UTF-8\"", "application/JSON;;;",
            "multipart/form-data; boundary=x", "application/x-protobuf; charset=utf-16", "*/*", ";", "json");
    private static final List<String> HOSTILE = List.of("NaN", "-Infinity", "1e39", "-1", "99999999999999999999",
            "0x1p3", "\"", ",", "\n", "\r", "{", "}", "[", "]", ":", "\u0000", "null", "true", "\"label\": 7",
            "\"features\": {}", "\"id\": \"\"", "é", "\uFEFF", "1.5", "-0", "\"timestamp\": -1");

    @RegisterExtension
    static final RunningIngest INGEST = new RunningIngest(2, () -> new IngestConfig("127.0.0.1", 0, INPUT_SIZE,
            CLASSES, MAX_BODY, MAX_RECORDS, Duration.ofSeconds(10), WORKERS));

    private final long seed = Long.getLong("ingest.fuzz.seed", System.nanoTime());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Ids answered with 202, per topic, with how many times. */
    private final Map<String, Map<String, Integer>> acknowledged = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    /** One request: route, headers, body, and whether it is a valid body that must be accepted. */
    private record Attempt(int index, String method, String path, String contentType, String encoding, byte[] body,
                           boolean mustAccept, List<String> ids, String description) {
    }

    @Test
    void shouldNeverFailOnAnyBodyAndStoreExactlyWhatItAcknowledges() throws Exception {
        log.info("fuzzing the ingest API with seed {} ({} attempts)", seed, ATTEMPTS);
        AtomicInteger next = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            done.add(workers.submit(() -> {
                for (int i = next.getAndIncrement(); i < ATTEMPTS; i = next.getAndIncrement()) {
                    check(attempt(i));
                }
                return null;
            }));
        }
        workers.shutdown();
        for (Future<?> f : done) {
            f.get();
        }

        assertThat(http.send(HttpRequest.newBuilder(INGEST.uri("/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("still serving").isEqualTo(200);
        assertThat(statuses.keySet()).as("seed " + seed + ": statuses " + statuses).doesNotContain(500);
        assertThat(statuses.get(202).get()).as("statuses " + statuses).isGreaterThan(ATTEMPTS / 10);
        assertThat(statuses.get(400).get()).as("statuses " + statuses).isGreaterThan(ATTEMPTS / 10);
        assertThat(requestsCounted()).as("every request counted once").isEqualTo(ATTEMPTS + 1);
        for (Topic<String, ?> topic : List.of(Topics.SAMPLES, Topics.EVENTS, Topics.LABELS)) {
            Map<String, Integer> stored = new TreeMap<>();
            KafkaReads.readAll(INGEST.kafka(), topic).forEach(r -> stored.merge(r.key(), 1, Integer::sum));
            assertThat(stored).as("seed " + seed + ": records on " + topic + " are exactly the acknowledged ones")
                    .isEqualTo(new TreeMap<>(acknowledged.getOrDefault(topic.name(), Map.of())));
        }
        log.info("fuzz seed {}: {} attempts, statuses {}", seed, ATTEMPTS, statuses);
    }

    private double requestsCounted() {
        double total = 0;
        for (Collector.MetricFamilySamples family : Collections.list(INGEST.settledRegistry().metricFamilySamples())) {
            if (family.name.equals("streamlearn_ingest_requests")) {
                total += family.samples.stream().filter(s -> s.name.endsWith("_total")).mapToDouble(s -> s.value).sum();
            }
        }
        return total;
    }

    private void check(Attempt a) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(INGEST.uri(a.path()))
                .method(a.method(), HttpRequest.BodyPublishers.ofByteArray(a.body()));
        if (a.contentType() != null) {
            request.header("Content-Type", a.contentType());
        }
        if (a.encoding() != null) {
            request.header("Content-Encoding", a.encoding());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(where(a) + ": the connection failed: " + e, e);
        }
        int status = response.statusCode();
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        assertThat(status).as(where(a) + ": " + response.body()).isIn(allowed(a));
        if (a.mustAccept()) {
            assertThat(status).as(where(a) + " is valid: " + response.body()).isEqualTo(202);
        }
        if (a.path().equals("/openapi.yaml") && status == 200) {
            return;
        }
        JsonNode answer = JSON.readTree(response.body());
        if (status == 202) {
            List<String> ids = new ArrayList<>();
            answer.get("ids").forEach(id -> ids.add(id.asText()));
            assertThat(answer.get("accepted").asInt()).as(where(a)).isEqualTo(ids.size()).isPositive();
            if (a.mustAccept() && !a.ids().isEmpty()) {
                assertThat(ids).as(where(a)).isEqualTo(a.ids());
            }
            String topic = topicOf(a.path());
            ids.forEach(id -> acknowledged.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                    .merge(id, 1, Integer::sum));
        } else if (status >= 400) {
            assertThat(answer.get("error").asText()).as(where(a)).isNotBlank();
            answer.get("problems").forEach(p -> {
                assertThat(p.get("index").asInt()).isNotNegative();
                assertThat(p.get("field").isTextual()).isTrue();
                assertThat(p.get("reason").asText()).isNotBlank();
            });
        }
    }

    private String where(Attempt a) {
        return "seed " + seed + " attempt " + a.index() + " (" + a.description() + ", " + a.method() + " " + a.path()
                + ", Content-Type " + a.contentType() + ")";
    }

    private static Set<Integer> allowed(Attempt a) {
        String method = IngestServer.ROUTES.get(a.path());
        if (method == null) {
            return Set.of(404);
        }
        if (!method.equals(a.method())) {
            return Set.of(405);
        }
        return switch (a.path()) {
            case "/healthz", "/openapi.yaml" -> Set.of(200);
            case "/readyz" -> Set.of(200, 503);
            default -> Set.of(202, 400, 413, 415);
        };
    }

    private static String topicOf(String path) {
        return switch (path) {
            case "/v1/samples" -> Topics.SAMPLES.name();
            case "/v1/events" -> Topics.EVENTS.name();
            default -> Topics.LABELS.name();
        };
    }

    // ---- generating attempts -------------------------------------------------------------------------------

    private Attempt attempt(int index) {
        Random rnd = new Random(seed * 1_000_003L + index);
        int kind = rnd.nextInt(100);
        if (kind < 4) {
            List<String> paths = List.of("/healthz", "/readyz", "/openapi.yaml", "/v2/samples", "/", "/v1/samples/x");
            String method = rnd.nextBoolean() ? "GET" : List.of("POST", "PUT", "DELETE", "PATCH").get(rnd.nextInt(4));
            return new Attempt(index, method, paths.get(rnd.nextInt(paths.size())), null, null,
                    randomBytes(rnd, rnd.nextInt(50)), false, List.of(), "route");
        }
        String path = POST_PATHS.get(rnd.nextInt(POST_PATHS.size()));
        int format = rnd.nextInt(CONTENT_TYPES.size());
        Body valid = validBody(rnd, path, format);
        if (kind < 30) {
            return new Attempt(index, "POST", path, CONTENT_TYPES.get(format), null, valid.bytes(), true, valid.ids(),
                    "valid " + CONTENT_TYPES.get(format));
        }
        if (kind < 75) {
            byte[] mutated = valid.bytes();
            int mutations = 1 + rnd.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutated = mutate(rnd, mutated);
            }
            return new Attempt(index, "POST", path, CONTENT_TYPES.get(format), null, mutated, false, List.of(),
                    mutations + " mutations of a valid " + CONTENT_TYPES.get(format) + " body");
        }
        if (kind < 83) {
            return new Attempt(index, "POST", path, CONTENT_TYPES.get(rnd.nextInt(CONTENT_TYPES.size())), null,
                    randomBytes(rnd, rnd.nextInt(rnd.nextBoolean() ? 64 : 4096)), false, List.of(), "random bytes");
        }
        if (kind < 90) {
            String type = CONTENT_TYPES.get((format + 1 + rnd.nextInt(CONTENT_TYPES.size() - 1))
                    % CONTENT_TYPES.size());
            return new Attempt(index, "POST", path, type, null, valid.bytes(), false, List.of(),
                    "a " + CONTENT_TYPES.get(format) + " body sent as another type");
        }
        if (kind < 96) {
            String type = rnd.nextInt(4) == 0 ? null : rnd.nextBoolean()
                    ? ODD_CONTENT_TYPES.get(rnd.nextInt(ODD_CONTENT_TYPES.size()))
                    : printable(rnd, rnd.nextInt(30));
            String encoding = rnd.nextInt(3) == 0 ? List.of("gzip", "identity", "br").get(rnd.nextInt(3)) : null;
            return new Attempt(index, "POST", path, type, encoding, valid.bytes(), false, List.of(),
                    "odd content type or encoding");
        }
        byte[] large = new byte[MAX_BODY + 1 + rnd.nextInt(2048)];
        Arrays.fill(large, (byte) ' ');
        System.arraycopy(valid.bytes(), 0, large, 0, Math.min(valid.bytes().length, large.length));
        return new Attempt(index, "POST", path, CONTENT_TYPES.get(format), null, large, false, List.of(),
                "body over the size limit");
    }

    private record Body(byte[] bytes, List<String> ids) {
    }

    /** 1 to 8 valid records for the endpoint, in the format; with ids of our own or none. */
    private static Body validBody(Random rnd, String path, int format) {
        boolean labels = path.equals("/v1/labels");
        boolean samples = path.equals("/v1/samples");
        int n = 1 + rnd.nextInt(8);
        boolean withIds = labels || rnd.nextBoolean();
        boolean withTimestamps = rnd.nextBoolean();
        List<String> ids = new ArrayList<>();
        List<float[]> features = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(withIds ? "id-" + Long.toHexString(rnd.nextLong()) : null);
            float[] f = new float[INPUT_SIZE];
            for (int j = 0; j < INPUT_SIZE; j++) {
                f[j] = rnd.nextInt(4) == 0 ? 0f : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            }
            features.add(f);
            classes.add(rnd.nextInt(CLASSES));
        }
        long ts = 1_600_000_000_000L + rnd.nextInt(1_000_000);
        byte[] bytes = switch (CONTENT_TYPES.get(format)) {
            case "application/json", "application/x-ndjson" -> json(rnd, format == 1, labels, samples, ids, features,
                    classes, withTimestamps ? ts : -1);
            case "text/csv" -> csv(rnd, labels, samples, ids, features, classes, withTimestamps ? ts : -1);
            default -> protobuf(labels, samples, ids, features, classes, withTimestamps ? ts : 0);
        };
        return new Body(bytes, withIds ? ids : List.of());
    }

    private static byte[] json(Random rnd, boolean ndjson, boolean labels, boolean samples, List<String> ids,
                               List<float[]> features, List<Integer> classes, long ts) {
        List<String> objects = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            List<String> fields = new ArrayList<>();
            if (labels) {
                fields.add((rnd.nextBoolean() ? "\"event_id\": \"" : "\"eventId\": \"") + ids.get(i) + "\"");
            } else {
                if (ids.get(i) != null) {
                    fields.add("\"id\": \"" + ids.get(i) + "\"");
                }
                StringBuilder f = new StringBuilder("\"features\": [");
                for (int j = 0; j < INPUT_SIZE; j++) {
                    f.append(j > 0 ? ", " : "").append(features.get(i)[j]);
                }
                fields.add(f.append(']').toString());
            }
            if (labels || samples) {
                fields.add("\"label\": " + classes.get(i));
            }
            if (ts >= 0) {
                fields.add("\"timestamp\": " + ts);
            }
            Collections.shuffle(fields, rnd);
            objects.add("{" + String.join(", ", fields) + "}");
        }
        String text = ndjson ? String.join("\n", objects) + "\n"
                : objects.size() == 1 && rnd.nextBoolean() ? objects.get(0) : "[" + String.join(",\n", objects) + "]";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] csv(Random rnd, boolean labels, boolean samples, List<String> ids, List<float[]> features,
                              List<Integer> classes, long ts) {
        boolean header = labels ? ts >= 0 || rnd.nextBoolean() : ids.get(0) != null || ts >= 0;
        StringBuilder out = new StringBuilder();
        if (header) {
            List<String> names = new ArrayList<>();
            if (labels) {
                names.add("event_id");
            } else {
                if (ids.get(0) != null) {
                    names.add("id");
                }
                for (int j = 0; j < INPUT_SIZE; j++) {
                    names.add("f" + j);
                }
            }
            if (labels || samples) {
                names.add("label");
            }
            if (ts >= 0) {
                names.add("timestamp");
            }
            out.append(String.join(",", names)).append("\r\n");
        }
        for (int i = 0; i < ids.size(); i++) {
            List<String> row = new ArrayList<>();
            if (labels || ids.get(i) != null) {
                row.add("\"" + ids.get(i) + "\"");
            }
            if (!labels) {
                for (float v : features.get(i)) {
                    row.add(Float.toString(v));
                }
            }
            if (labels || samples) {
                row.add(Integer.toString(classes.get(i)));
            }
            if (ts >= 0) {
                row.add(Long.toString(ts));
            }
            out.append(String.join(",", row)).append(rnd.nextBoolean() ? "\n" : "\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] protobuf(boolean labels, boolean samples, List<String> ids, List<float[]> features,
                                   List<Integer> classes, long ts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i) == null ? "" : ids.get(i);
            MessageLite m;
            if (labels) {
                m = Label.newBuilder().setEventId(id).setLabel(classes.get(i)).setTimestampMs(ts).build();
            } else if (samples) {
                Sample.Builder b = Sample.newBuilder().setId(id).setLabel(classes.get(i)).setTimestampMs(ts);
                for (float v : features.get(i)) {
                    b.addFeatures(v);
                }
                m = b.build();
            } else {
                Event.Builder b = Event.newBuilder().setId(id).setTimestampMs(ts);
                for (float v : features.get(i)) {
                    b.addFeatures(v);
                }
                m = b.build();
            }
            try {
                m.writeDelimitedTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toByteArray();
    }

    private static byte[] mutate(Random rnd, byte[] in) {
        if (in.length == 0) {
            return randomBytes(rnd, 1 + rnd.nextInt(8));
        }
        int at = rnd.nextInt(in.length);
        return switch (rnd.nextInt(7)) {
            case 0 -> {
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << rnd.nextInt(8));
                yield out;
            }
            case 1 -> {
                byte[] out = in.clone();
                out[at] = (byte) rnd.nextInt(256);
                yield out;
            }
            case 2 -> splice(in, at, at + rnd.nextInt(Math.min(16, in.length - at) + 1), new byte[0]);
            case 3 -> splice(in, at, at, rnd.nextBoolean() ? randomBytes(rnd, 1 + rnd.nextInt(6))
                    : HOSTILE.get(rnd.nextInt(HOSTILE.size())).getBytes(StandardCharsets.UTF_8));
            case 4 -> {
                int end = at + rnd.nextInt(Math.min(32, in.length - at) + 1);
                yield splice(in, end, end, Arrays.copyOfRange(in, at, end));
            }
            case 5 -> Arrays.copyOf(in, at);
            default -> replaceNumber(rnd, in, at);
        };
    }

    /** Replaces the run of digits at or after {@code from} with a hostile value. */
    private static byte[] replaceNumber(Random rnd, byte[] in, int from) {
        int start = from;
        while (start < in.length && !Character.isDigit(in[start])) {
            start++;
        }
        int end = start;
        while (end < in.length && (Character.isDigit(in[end]) || in[end] == '.' || in[end] == 'E' || in[end] == '-')) {
            end++;
        }
        return splice(in, start, end, HOSTILE.get(rnd.nextInt(6)).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }

    /** Printable ASCII: what a client library lets through as a header value. */
    private static String printable(Random rnd, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) (0x20 + rnd.nextInt(0x5f)));
        }
        return s.toString().trim();
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
