package io.streamlearn.ingest.replay;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.dataset.Dataset;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The replay loop of both replayers: batches of samples with drift applied, a fresh id each, stamped with the
 * batch's time, paced to a rate and handed to a {@link Sink} (the HTTP API or Kafka).
 */
final class ReplayBatch {
    /** Sends one batch; {@code accepted} samples went before it. */
    interface Sink {
        void send(List<Sample> batch, long accepted) throws IOException, InterruptedException;
    }

    private ReplayBatch() {
    }

    /** Sends samples {@code from} to {@code to} in batches; returns how many were sent (dropped ones not counted). */
    static long replay(Dataset data, int from, int to, DriftInjector drift, int batchSize, double samplesPerSecond,
                       HttpReplayer.Progress progress, Sink sink) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Pacer pacer = new Pacer(samplesPerSecond);
        long sent = 0;
        for (int i = from; i < to; i += batchSize) {
            pacer.await(sent);
            List<Sample> batch = build(data, i, Math.min(to, i + batchSize), drift, System.currentTimeMillis());
            if (batch.isEmpty()) {
                continue;
            }
            sink.send(batch, sent);
            sent += batch.size();
            progress.sent(sent, Duration.ofNanos(System.nanoTime() - start));
        }
        return sent;
    }

    private static List<Sample> build(Dataset data, int from, int to, DriftInjector drift, long timestampMs) {
        List<Sample> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            DriftInjector.Example e = drift.apply(i, new DriftInjector.Example(data.features()[i], data.labels()[i]));
            if (e == null) {
                continue;
            }
            Sample.Builder b = Sample.newBuilder().setId(UUID.randomUUID().toString()).setLabel(e.label())
                    .setTimestampMs(timestampMs);
            for (float v : e.features()) {
                b.addFeatures(v);
            }
            out.add(b.build());
        }
        return out;
    }
}
