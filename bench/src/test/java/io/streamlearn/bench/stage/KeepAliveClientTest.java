package io.streamlearn.bench.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeepAliveClientTest {
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/accept", exchange -> answer(exchange, 202, "{\"ids\":[\"a\"]}"));
        server.createContext("/reject", exchange -> answer(exchange, 400, "{\"error\":\"bad sample\"}"));
        server.createContext("/chunked", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().close();
        });
        server.start();
        address = new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldSendTheWholeBodyAndReturnTheStatus() throws IOException {
        byte[] body = new byte[1_000_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        try (KeepAliveClient client = new KeepAliveClient(address)) {
            KeepAliveClient.Response response = client.post(
                    KeepAliveClient.request(address, "/accept", "application/x-protobuf", body));
            assertThat(response.status()).isEqualTo(202);
            assertThat(response.body()).isEmpty();
        }
        assertThat(received).singleElement().isEqualTo(body);
        assertThat(contentTypes).containsExactly("application/x-protobuf");
    }

    @Test
    void shouldSendOneRequestBufferManyTimesOverOneConnection() throws IOException {
        ByteBuffer request = KeepAliveClient.request(address, "/accept", "text/plain",
                "hello".getBytes(StandardCharsets.US_ASCII));
        try (KeepAliveClient client = new KeepAliveClient(address)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.post(request).status()).isEqualTo(202);
            }
        }
        assertThat(received).hasSize(5).allSatisfy(b -> assertThat(new String(b, StandardCharsets.US_ASCII))
                .isEqualTo("hello"));
        assertThat(peers).hasSize(1);
        assertThat(request.position()).isZero();
    }

    @Test
    void shouldReconnectBeforeReusingAConnectionIdleForLongerThanAllowed() throws Exception {
        ByteBuffer request = KeepAliveClient.request(address, "/accept", "text/plain",
                "hello".getBytes(StandardCharsets.US_ASCII));
        try (KeepAliveClient client = new KeepAliveClient(address, Duration.ofSeconds(1))) {
            assertThat(client.post(request).status()).isEqualTo(202);
            assertThat(client.post(request).status()).isEqualTo(202);
            assertThat(peers).as("reused while fresh").hasSize(1);
            Thread.sleep(1500);
            assertThat(client.post(request).status()).isEqualTo(202);
        }
        assertThat(received).hasSize(3);
        assertThat(peers).as("a new connection after 1.5 s idle").hasSize(2);
    }

    @Test
    void shouldKeepTheBodyOfAnErrorResponse() throws IOException {
        try (KeepAliveClient client = new KeepAliveClient(address)) {
            KeepAliveClient.Response response = client.post(
                    KeepAliveClient.request(address, "/reject", "text/plain", new byte[] {1}));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body()).isEqualTo("{\"error\":\"bad sample\"}");
            assertThat(client.post(KeepAliveClient.request(address, "/accept", "text/plain", new byte[] {2}))
                    .status()).isEqualTo(202);
        }
    }

    @Test
    void shouldRefuseAResponseWithoutContentLength() throws IOException {
        try (KeepAliveClient client = new KeepAliveClient(address)) {
            assertThatThrownBy(() -> client.post(
                    KeepAliveClient.request(address, "/chunked", "text/plain", new byte[] {1})))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("without Content-Length (status 200)");
        }
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        received.add(exchange.getRequestBody().readAllBytes());
        contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
        peers.add(exchange.getRemoteAddress());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
