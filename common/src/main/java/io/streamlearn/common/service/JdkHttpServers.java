package io.streamlearn.common.service;

/**
 * Process-wide settings of the JDK's HTTP server ({@code com.sun.net.httpserver}), which the services' APIs and
 * {@code /metrics} endpoints run on. The JDK reads them once, when the first such server of the process starts, so
 * every server calls {@link #configure()} before it starts.
 */
public final class JdkHttpServers {
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private JdkHttpServers() {
    }

    /**
     * Turns Nagle's algorithm off unless the operator set the property: the server writes an answer's headers and
     * body separately, so every small answer waited for the client's delayed ACK, about 40 ms per request (measured).
     */
    public static void configure() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }
}
