package io.streamlearn.bench.kafka;

import io.streamlearn.bench.data.EventEncoder;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces events at a fixed rate on its own thread, keyed by id {@code <prefix><sequence>}, and remembers when
 * each was handed to the producer ({@link System#nanoTime()}): the start of an end-to-end latency. The schedule
 * is absolute (event n is due at n / rate), so a late send is followed by catching up, as an open-loop load
 * generator should. The producer is the services' (idempotent, acks=all) with a 1 ms linger.
 */
public final class EventLoad implements AutoCloseable {
    private static final int DISTINCT_ROWS = 64;
    /**
     * Batching as high-rate event producers do: without linger a produce request carried about four events at
     * 20,000/s and the broker's request handling took most of a core. The wait is inside the measured latency.
     */
    private static final int LINGER_MS = 1;
    private final KafkaProducer<String, byte[]> producer;
    private final String prefix;
    private final double rate;
    private final long[] sentAt;
    private final EventEncoder events = new EventEncoder(Synthetic.features(DISTINCT_ROWS, 5));
    private final Thread thread;
    private volatile boolean stopping;
    /** The first send that failed, thrown or acknowledged as failed; {@link #stop()} rethrows it. */
    private volatile RuntimeException failure;
    private volatile long startNanos;
    private volatile int sent;

    public EventLoad(KafkaSettings kafka, String prefix, double ratePerSecond, double maxSeconds) {
        Properties p = KafkaClients.producer(kafka, "bench-event-load");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.prefix = prefix;
        this.rate = ratePerSecond;
        this.sentAt = new long[(int) Math.ceil(ratePerSecond * maxSeconds) + 1];
        this.thread = new Thread(this::run, "bench-event-load");
    }

    public EventLoad start() {
        startNanos = System.nanoTime();
        thread.start();
        return this;
    }

    private void run() {
        try {
            send();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void send() {
        for (int n = 0; n < sentAt.length && !stopping && failure == null; n++) {
            long due = startNanos + (long) (n * 1e9 / rate);
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                LockSupport.parkNanos(Math.min(due - now, 200_000));
            }
            String id = prefix + n;
            byte[] value = events.encode(id, n % DISTINCT_ROWS, System.currentTimeMillis());
            sentAt[n] = System.nanoTime();
            producer.send(new ProducerRecord<>(Topics.EVENTS.name(), id, value), (metadata, e) -> {
                if (e != null && failure == null) {
                    failure = new IllegalStateException("the event load could not send " + id, e);
                }
            });
            sent = n + 1;
        }
    }

    /** The sequence number of the event due at {@code seconds} after the start. */
    public int sequenceAt(double seconds) {
        return (int) Math.min(sentAt.length, Math.ceil(seconds * rate));
    }

    /** The offered rate, events per second. */
    public double rate() {
        return rate;
    }

    public long startNanos() {
        return startNanos;
    }

    /** When event {@code n} was handed to the producer; 0 if not yet. */
    public long sentAt(int n) {
        return n < sent ? sentAt[n] : 0;
    }

    public int sent() {
        return sent;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Stops sending and waits for the thread; records already sent are flushed by {@link #close()}. Throws the
     * first failed send, once (here or from {@link #close()}): a run with missing events measures something else.
     */
    public void stop() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeException failed = failure;
        if (failed != null) {
            failure = null; // thrown once
            throw failed;
        }
    }

    @Override
    public void close() {
        try (producer) {
            stop();
        }
    }
}
