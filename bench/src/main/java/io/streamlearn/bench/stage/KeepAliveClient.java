package io.streamlearn.bench.stage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal HTTP/1.1 client for the ingest row: sends requests built once, head and body in one direct buffer
 * ({@link #request}), over one kept-alive blocking socket channel, and reads a response with a
 * {@code Content-Length} body, as load generators such as wrk do. A direct buffer goes to the kernel without the
 * copy the JDK makes of a heap array first: in four scratch runs (2 to 8 clients) the API took 0.5–5.9% more
 * samples/s from this client than from one writing heap arrays to a socket stream, and the JDK's
 * {@code HttpClient} measured 3 µs of CPU per 3 KB sample more than that one. Like the pools of HTTP clients, it
 * reconnects before reusing a connection that sat idle for a while, since servers close idle ones (the JDK
 * {@code HttpServer} after 30 s, which the ingest row's warm-up of the other side outlasts). Not thread-safe: one per
 * client thread.
 */
final class KeepAliveClient implements AutoCloseable {
    /** Well under the JDK {@code HttpServer}'s 30 s ({@code sun.net.httpserver.idleInterval}). */
    static final Duration MAX_IDLE = Duration.ofSeconds(10);

    private final InetSocketAddress server;
    private final long maxIdleNanos;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private SocketChannel channel;
    private long lastUsed;

    KeepAliveClient(InetSocketAddress server) throws IOException {
        this(server, MAX_IDLE);
    }

    KeepAliveClient(InetSocketAddress server, Duration maxIdle) throws IOException {
        this.server = server;
        this.maxIdleNanos = maxIdle.toNanos();
        connect();
    }

    private void connect() throws IOException {
        SocketChannel opened = SocketChannel.open(server);
        try {
            opened.socket().setTcpNoDelay(true);
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        channel = opened;
        in.limit(0);
        lastUsed = System.nanoTime();
    }

    /** A complete POST request to {@code server}, for {@link #post}; read-only, shared by all clients. */
    static ByteBuffer request(InetSocketAddress server, String path, String contentType, byte[] body) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocateDirect(head.length + body.length);
        request.put(head).put(body).flip();
        return request.asReadOnlyBuffer();
    }

    /**
     * Sends {@code request} and returns the response's status code, with its body for statuses of 300 and above
     * (a success's body is read past, not decoded: the benchmark does not need it).
     */
    Response post(ByteBuffer request) throws IOException {
        if (System.nanoTime() - lastUsed > maxIdleNanos) {
            channel.close();
            connect();
        }
        ByteBuffer out = request.duplicate();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        int length = -1;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("a response without Content-Length (status " + code + ") is not supported");
        }
        Response response = new Response(code, body(length, code >= 300));
        lastUsed = System.nanoTime();
        return response;
    }

    private String body(int length, boolean keep) throws IOException {
        byte[] kept = keep ? new byte[length] : null;
        for (int read = 0; read < length; ) {
            fill();
            int n = Math.min(length - read, in.remaining());
            if (kept != null) {
                in.get(kept, read, n);
            } else {
                in.position(in.position() + n);
            }
            read += n;
        }
        return kept == null ? "" : new String(kept, StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (fill(); in.get(in.position()) != '\n'; fill()) {
            byte c = in.get();
            if (c != '\r') {
                line.append((char) c);
            }
        }
        in.get();
        return line.toString();
    }

    /** Makes at least one received byte available, reading from the channel when none is left. */
    private void fill() throws IOException {
        if (in.hasRemaining()) {
            return;
        }
        in.clear();
        int read = channel.read(in);
        in.flip();
        if (read < 0) {
            throw new IOException("connection closed in the middle of a response");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    record Response(int status, String body) {
    }
}
