package io.streamlearn.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.validation.BodyFormat;
import io.streamlearn.ingest.validation.RequestParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpReplayerTest {
    private final RequestParser parser = new RequestParser(3, 10, 1000, () -> 0L);
    private final List<Sample> received = new CopyOnWriteArrayList<>();
    /** Statuses the stub answers with, in order; 202 once they run out. */
    private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    private HttpServer server;

    private URI startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/samples", this::answer);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Integer status = script.poll();
            if (status == null) {
                try {
                    received.addAll(parser.samples(
                            BodyFormat.of(exchange.getRequestHeaders().getFirst("Content-Type")), body));
                } catch (Exception e) {
                    status = 400;
                }
            }
            int code = status == null ? 202 : status;
            byte[] answer = ("{\"status\": " + code + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Retry-After", "0");
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static Dataset dataset(int n) {
        float[][] features = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            features[i] = new float[] {0f, i / 255f, -1.5e-7f * (i + 1)};
            labels[i] = i % 10;
        }
        return new Dataset("synthetic", features, labels);
    }

    @Test
    void shouldSendEverySampleInBatchesAndReportProgress() throws Exception {
        URI uri = startStub();
        Dataset data = dataset(23);
        List<Long> progress = new ArrayList<>();

        long sent = new HttpReplayer(uri, 5, 0, 0).replay(data, (n, elapsed) -> progress.add(n));

        assertThat(sent).isEqualTo(23);
        assertThat(progress).containsExactly(5L, 10L, 15L, 20L, 23L);
        assertThat(received).hasSize(23);
        for (int i = 0; i < 23; i++) {
            assertThat(received.get(i).getFeaturesList()).containsExactly(data.features()[i][0],
                    data.features()[i][1], data.features()[i][2]);
            assertThat(received.get(i).getLabel()).isEqualTo(data.labels()[i]);
        }
    }

    @Test
    void shouldSendOnlyTheRequestedRange() throws Exception {
        URI uri = startStub();

        long sent = new HttpReplayer(uri, 4, 0, 0).replay(dataset(20), 3, 10, (n, elapsed) -> { });

        assertThat(sent).isEqualTo(7);
        assertThat(received).extracting(Sample::getLabel).containsExactly(3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void shouldRetryServiceUnavailableThenGoOn() throws Exception {
        URI uri = startStub();
        script.add(503);
        script.add(503);

        long sent = new HttpReplayer(uri, 10, 0, 2).replay(dataset(15), (n, elapsed) -> { });

        assertThat(sent).isEqualTo(15);
        assertThat(received).hasSize(15);
    }

    @Test
    void shouldStopWhenRetriesRunOut() throws Exception {
        URI uri = startStub();
        script.add(503);
        script.add(503);

        ReplayException e = catchThrowableOfType(ReplayException.class,
                () -> new HttpReplayer(uri, 10, 0, 1).replay(dataset(15), (n, elapsed) -> { }));

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.accepted()).isZero();
    }

    @Test
    void shouldStopOnRejectionWithStatusAndBody() throws Exception {
        URI uri = startStub();
        script.add(202);
        script.add(400);

        ReplayException e = catchThrowableOfType(ReplayException.class,
                () -> new HttpReplayer(uri, 10, 0, 5).replay(dataset(30), (n, elapsed) -> { }));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.body()).isEqualTo("{\"status\": 400}");
        assertThat(e.accepted()).isEqualTo(10);
        assertThat(e).hasMessageContaining("ingest answered 400 to a batch after 10 samples");
    }

    @Test
    void shouldPaceToTheRequestedRate() throws Exception {
        URI uri = startStub();
        long start = System.nanoTime();

        new HttpReplayer(uri, 10, 200, 0).replay(dataset(50), (n, elapsed) -> { });

        // 5 batches at 200 samples/s: the last one is due 40 samples / 200 per s = 200 ms after the start.
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
        assertThat(received).hasSize(50);
    }

    @Test
    void shouldApplyDriftAndCountOnlySamplesSent() throws Exception {
        URI uri = startStub();
        DriftInjector dropOddFromFive = DriftInjector.classPriorShift(5, Set.of(1, 3, 5, 7, 9), 1.0, 1);
        List<Long> progress = new ArrayList<>();

        long sent = new HttpReplayer(uri, 5, 0, 0).replay(dataset(15), 0, 15, dropOddFromFive,
                (n, elapsed) -> progress.add(n));

        assertThat(sent).isEqualTo(10);
        assertThat(progress).containsExactly(5L, 7L, 10L);
        assertThat(received).extracting(Sample::getLabel).containsExactly(0, 1, 2, 3, 4, 6, 8, 0, 2, 4);
    }

    @Test
    void shouldGiveEverySampleItsOwnIdAndATimestamp() throws Exception {
        URI uri = startStub();

        new HttpReplayer(uri, 4, 0, 0).replay(dataset(10), (n, elapsed) -> { });

        assertThat(received).hasSize(10);
        assertThat(received).extracting(Sample::getId).doesNotHaveDuplicates().allMatch(id -> id.length() == 36);
        assertThat(received).allMatch(s -> s.getTimestampMs() > 0);
    }
}
