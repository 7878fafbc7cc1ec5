package io.streamlearn.common.service;

/**
 * A long-running service that a {@link ServiceRuntime} starts, keeps until SIGTERM and closes; it reports a
 * failure it cannot recover from so that the process can exit and be restarted by its supervisor.
 */
public interface Service extends AutoCloseable {
    /** Runs {@code action} once if the service fails for good; set before {@link #start()}. */
    void onFailure(Runnable action);

    void start();

    /** Stops the service and releases what it owns; a service's close throws no checked exception. */
    @Override
    void close();
}
