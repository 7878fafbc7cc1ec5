package io.streamlearn.bench.stage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client for the ingest row: POSTs over one kept-alive plain socket and reads a response with a
 * {@code Content-Length} body, as load generators such as wrk do. The JDK's {@code HttpClient} measured 3 µs of CPU
 * per 3 KB sample more than this client on the same server, CPU that the 2 cores here would otherwise take from the
 * server under test. Not thread-safe: one per client thread.
 */
final class KeepAliveClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    KeepAliveClient(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
        this.host = host + ":" + port;
    }

    /** Sends the body and returns the response's status code and body. */
    Response post(String path, String contentType, byte[] body) throws IOException {
        out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        int length = -1;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("a response without Content-Length (status " + status + ") is not supported");
        }
        byte[] content = in.readNBytes(length);
        if (content.length != length) {
            throw new IOException("connection closed after " + content.length + " of " + length + " body bytes");
        }
        return new Response(Integer.parseInt(parts[1]), new String(content, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the response head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Response(int status, String body) {
    }
}
