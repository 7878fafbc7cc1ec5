package io.streamlearn.bench.stage;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.bench.kafka.BenchTopics;
import io.streamlearn.bench.kafka.PassThrough;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The two applications the Kafka rows compare, each under a fresh application id (so each starts from the
 * earliest offset with empty state): our scorer, configured through its own keys with promotion off (every
 * valid snapshot serves at once), and the pass-through peer with the same streams settings.
 */
final class ScorerApps {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private ScorerApps() {
    }

    static ScorerConfig config(String applicationId, String guarantee, Path stateDir) {
        return ScorerConfig.from(Settings.of(Map.of(
                ScorerConfig.APPLICATION_ID.name(), applicationId,
                ScorerConfig.PROCESSING_GUARANTEE.name(), guarantee,
                ScorerConfig.STATE_DIR.name(), stateDir.resolve(applicationId).toString(),
                ScorerConfig.PROMOTION_ENABLED.name(), "false")));
    }

    /** A started scorer, its snapshot loaded. */
    static ScorerService scorer(ScorerConfig config, KafkaSettings kafka) {
        ScorerService scorer = new ScorerService(config, kafka, new CollectorRegistry());
        scorer.start();
        return scorer;
    }

    /** A started pass-through from events to {@code output}, configured like {@code config}. */
    static KafkaStreams passThrough(ScorerConfig config, KafkaSettings kafka, String output) {
        KafkaStreams streams = PassThrough.create(config, kafka, output);
        streams.start();
        return streams;
    }

    /**
     * Runs {@code work} while a fresh scorer runs on emptied events and samples topics, then stops the scorer.
     */
    static <T> T whileScorerRuns(KafkaSettings kafka, Path stateDir, String guarantee, String applicationId,
                                 Supplier<T> work) {
        BenchTopics.truncate(kafka, List.of(Topics.EVENTS.name(), Topics.SAMPLES.name()));
        try (ScorerService scorer = scorer(config(applicationId, guarantee, stateDir), kafka)) {
            awaitRunning(scorer);
            return work.get();
        }
    }

    /** Runs {@code work} while a fresh pass-through, configured as the scorer, runs on an emptied events topic. */
    static <T> T whilePassThroughRuns(KafkaSettings kafka, Path stateDir, String guarantee, String applicationId,
                                      Supplier<T> work) {
        BenchTopics.truncate(kafka, List.of(Topics.EVENTS.name()));
        try (KafkaStreams streams = passThrough(config(applicationId, guarantee, stateDir), kafka,
                Topics.PREDICTIONS.name())) {
            awaitRunning(streams);
            return work.get();
        }
    }

    /** Waits until the pass-through's stream thread runs (joined its group, got its partitions). */
    static void awaitRunning(KafkaStreams streams) {
        awaitRunning(streams::state, "the pass-through");
    }

    static void awaitRunning(ScorerService scorer) {
        awaitRunning(scorer::state, "the scorer");
    }

    private static void awaitRunning(Supplier<KafkaStreams.State> state, String what) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (state.get() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not start within " + START_TIMEOUT.toSeconds()
                        + " s; it is " + state.get());
            }
            sleep(10);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
