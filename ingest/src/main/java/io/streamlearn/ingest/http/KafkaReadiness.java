package io.streamlearn.ingest.http;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka answers: an Admin {@code describeCluster} with a short timeout, its result kept for
 * {@link #CACHE} so that frequent probes cost Kafka nothing and never pile up (one check runs at a time; probes
 * arriving meanwhile wait for it).
 */
final class KafkaReadiness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaReadiness.class);
    static final Duration CACHE = Duration.ofSeconds(1);

    private final Admin admin;
    private final Duration timeout;
    private final Consumer<Boolean> onResult;
    private long checkedAt;
    private boolean ready;
    private boolean checked;

    KafkaReadiness(KafkaSettings kafka, Duration timeout, Consumer<Boolean> onResult) {
        this.admin = Admin.create(KafkaClients.common(kafka, "streamlearn-ingest-readiness"));
        this.timeout = timeout;
        this.onResult = onResult;
    }

    synchronized boolean ready() {
        if (checked && System.nanoTime() - checkedAt < CACHE.toNanos()) {
            return ready;
        }
        boolean now = describe();
        if (checked && now != ready) {
            log.info("Kafka became {}", now ? "reachable: ingest is ready" : "unreachable: ingest is not ready");
        }
        ready = now;
        checked = true;
        checkedAt = System.nanoTime();
        onResult.accept(now);
        return now;
    }

    private boolean describe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Kafka did not describe its cluster within {} ms: {}", timeout.toMillis(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
