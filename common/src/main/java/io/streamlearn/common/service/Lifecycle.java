package io.streamlearn.common.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what a command started and closes it in reverse order, once, on normal exit or on SIGTERM/SIGINT.
 * A close that fails is logged and the others still close.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    public <T extends AutoCloseable> T own(T resource) {
        synchronized (resources) {
            resources.add(resource);
        }
        return resource;
    }

    /** On SIGTERM/SIGINT, close every owned resource before the JVM exits. */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "streamlearn-shutdown"));
    }

    /** Blocks until the JVM is asked to stop; the shutdown hook closes every owned resource. */
    public void awaitShutdown() throws InterruptedException {
        closeOnShutdown();
        stopped.await();
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (resources) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(resources);
        }
        Collections.reverse(toClose);
        for (AutoCloseable r : toClose) {
            try {
                r.close();
            } catch (Exception e) {
                log.error("failed to close {}", r, e);
            }
        }
    }
}
