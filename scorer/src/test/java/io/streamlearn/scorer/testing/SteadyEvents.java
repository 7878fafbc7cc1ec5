package io.streamlearn.scorer.testing;

import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Sample;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends events (or labeled samples) {@code <prefix><n>} at a steady rate from a background thread until stopped;
 * record n is one-hot on feature {@code n % inputSize}, so that each model version's expected class is known, and
 * a sample's label is the class a model with shift 0 predicts for it.
 */
public final class SteadyEvents implements AutoCloseable {
    private static final int TICKS_PER_SECOND = 100;

    private final KafkaProducer<String, byte[]> producer;
    private final String prefix;
    private final int inputSize;
    private final int classes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "steady-events");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger sent = new AtomicInteger();
    private final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
    private double owed;

    private SteadyEvents(KafkaProducer<String, byte[]> producer, String prefix, int inputSize, int classes) {
        this.producer = producer;
        this.prefix = prefix;
        this.inputSize = inputSize;
        this.classes = classes;
    }

    /** Streams events. */
    public static SteadyEvents start(KafkaProducer<String, byte[]> producer, String prefix, int perSecond,
                                     int inputSize) {
        return start(new SteadyEvents(producer, prefix, inputSize, 0), perSecond);
    }

    /** Streams samples labeled for {@code classes} classes. */
    public static SteadyEvents samples(KafkaProducer<String, byte[]> producer, String prefix, int perSecond,
                                       int inputSize, int classes) {
        return start(new SteadyEvents(producer, prefix, inputSize, classes), perSecond);
    }

    private static SteadyEvents start(SteadyEvents events, int perSecond) {
        double perTick = perSecond / (double) TICKS_PER_SECOND;
        events.timer.scheduleAtFixedRate(() -> events.tick(perTick), 0, 1000 / TICKS_PER_SECOND,
                TimeUnit.MILLISECONDS);
        return events;
    }

    private void tick(double perTick) {
        owed += perTick;
        while (owed >= 1) {
            owed--;
            int n = sent.getAndIncrement();
            String topic = classes == 0 ? Topics.EVENTS.name() : Topics.SAMPLES.name();
            byte[] value = classes == 0 ? event(prefix + n, n) : sample(prefix + n, n);
            producer.send(new ProducerRecord<>(topic, prefix + n, value),
                    (metadata, e) -> {
                        if (e != null) {
                            failures.add(e);
                        }
                    });
        }
    }

    /** The hot feature of event n. */
    public int hotFeature(int n) {
        return n % inputSize;
    }

    public int sent() {
        return sent.get();
    }

    /** Stops sending, waits until every event sent is acknowledged, and returns how many were sent. */
    public int stop() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the event sender did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the event sender", e);
        }
        producer.flush();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " event(s) were not acknowledged", failures.peek());
        }
        return sent.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private byte[] event(String id, int n) {
        Event.Builder event = Event.newBuilder().setId(id).setTimestampMs(System.currentTimeMillis());
        for (int i = 0; i < inputSize; i++) {
            event.addFeatures(i == hotFeature(n) ? 1 : 0);
        }
        return event.build().toByteArray();
    }

    private byte[] sample(String id, int n) {
        int hot = hotFeature(n);
        Sample.Builder sample = Sample.newBuilder().setId(id).setTimestampMs(System.currentTimeMillis())
                .setLabel(hot < classes ? hot : 0);
        for (int i = 0; i < inputSize; i++) {
            sample.addFeatures(i == hot ? 1 : 0);
        }
        return sample.build().toByteArray();
    }
}
