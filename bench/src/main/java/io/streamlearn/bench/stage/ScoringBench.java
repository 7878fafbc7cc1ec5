package io.streamlearn.bench.stage;

import io.streamlearn.bench.data.EventEncoder;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.bench.kafka.GroupProgress;
import io.streamlearn.bench.report.Stats;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.ingest.kafka.IngestProducers;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scoring throughput through Kafka: a backlog of events is produced once, then the scorer and the pass-through
 * peer each consume all of it under a fresh application id, alternately, and their rate is read from the offsets
 * they commit ({@link GroupProgress}).
 */
public final class ScoringBench {
    private static final Logger log = LoggerFactory.getLogger(ScoringBench.class);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private ScoringBench() {
    }

    /** Events/s of [scorer, pass-through], one value per repetition. */
    public static Stats[] run(KafkaSettings kafka, Path stateDir, String guarantee, int reps) {
        double[] ours = new double[reps];
        double[] peer = new double[reps];
        try (GroupProgress progress = new GroupProgress(kafka, Topics.EVENTS.name())) {
            long target = progress.backlog();
            long backlog = target - progress.start();
            for (int rep = 0; rep < reps; rep++) {
                ScorerConfig scorerConfig = ScorerApps.config("bench-scoring-" + rep, guarantee, stateDir);
                try (ScorerService scorer = ScorerApps.scorer(scorerConfig, kafka)) {
                    ours[rep] = progress.awaitRate(scorerConfig.applicationId(), target, RUN_TIMEOUT);
                    requireScored(scorer.scored(), backlog, rep);
                }
                ScorerConfig peerConfig = ScorerApps.config("bench-pass-through-" + rep, guarantee, stateDir);
                try (KafkaStreams passThrough = ScorerApps.passThrough(peerConfig, kafka, Topics.PREDICTIONS.name())) {
                    peer[rep] = progress.awaitRate(peerConfig.applicationId(), target, RUN_TIMEOUT);
                    if (passThrough.state() != KafkaStreams.State.RUNNING) {
                        throw new IllegalStateException("the pass-through ended in state " + passThrough.state());
                    }
                }
                log.info("scoring rep {}: scorer {} events/s, pass-through {} events/s", rep + 1,
                        Math.round(ours[rep]), Math.round(peer[rep]));
            }
        }
        return new Stats[] {Stats.of(ours), Stats.of(peer)};
    }

    /** Committed offsets only prove the scorer consumed; its own counter proves it scored. */
    private static void requireScored(long scored, long backlog, int rep) {
        if (scored < backlog) {
            throw new IllegalStateException("the scorer committed the backlog but scored only " + scored + " of "
                    + backlog + " events in repetition " + (rep + 1));
        }
    }

    /** Produces {@code count} synthetic events to the events topic; returns the seconds it took. */
    public static double produceBacklog(KafkaSettings kafka, int count) {
        EventEncoder events = new EventEncoder(Synthetic.features(256, 3));
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                IngestProducers.properties(kafka, "bench-backlog", Duration.ofSeconds(60)),
                new StringSerializer(), new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < count; i++) {
                String id = "backlog-" + i;
                producer.send(new ProducerRecord<>(Topics.EVENTS.name(), id,
                        events.encode(id, i % events.rows(), now)));
            }
            producer.flush();
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
