package io.streamlearn.scorer;

import ai.onnxruntime.OrtEnvironment;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.service.Service;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.admin.AdminServer;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ServingModels;
import io.streamlearn.scorer.topology.ScorerTopology;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running scorer: its Kafka Streams application over {@link ScorerTopology}, the models it holds
 * ({@link ServingModels}) and, when configured, the operator's {@link AdminServer}. ONNX Runtime's environment is
 * process-wide and never closed; this service owns the sessions it loads and closes them after the streams.
 */
public final class ScorerService implements Service {
    private static final Logger log = LoggerFactory.getLogger(ScorerService.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ScorerConfig config;
    private final KafkaSettings kafka;
    private final ScorerMetrics metrics;
    private final ServingModels serving;
    private final KafkaStreams streams;
    private AdminServer admin;

    public ScorerService(ScorerConfig config, KafkaSettings kafka, CollectorRegistry registry) {
        this.config = config;
        this.kafka = kafka;
        this.metrics = new ScorerMetrics(registry);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        this.serving = new ServingModels(config.promotion(), env, config.inputSize(), metrics);
        StreamsBuilder builder = new StreamsBuilder();
        ScorerTopology.build(builder, config, serving, metrics, env);
        this.streams = new KafkaStreams(builder.build(), ScorerTopology.streamsProperties(config, kafka));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("scorer stream thread failed; shutting the scorer down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** The streams failing for good (state ERROR) is the service failing. */
    @Override
    public void onFailure(Runnable action) {
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.ERROR) {
                action.run();
            }
        });
    }

    /**
     * Creates the topics if missing, then starts the streams; returns once the newest accepted snapshot on the
     * models topic is loaded (scoring then runs on the stream threads), and opens the admin endpoint if configured.
     */
    @Override
    public void start() {
        TopicAdmin.ensureTopics(kafka, List.of(Topics.MODELS, Topics.EVENTS, Topics.SAMPLES, Topics.PREDICTIONS,
                Topics.DEAD_LETTERS), TOPIC_TIMEOUT);
        streams.start();
        if (config.admin().port() > 0) {
            admin = AdminServer.start(config.admin().host(), config.admin().port(), serving);
        }
        log.info("scorer '{}' started for model '{}' ({}, {} thread(s), batches of up to {} within {} ms, "
                        + "promotion {}), serving v{}", config.applicationId(), config.modelName(),
                config.processingGuarantee(), config.threads(), config.batching().maxSize(),
                config.batching().maxWaitMs(), config.promotion().enabled() ? "after " + config.promotion().samples()
                        + " shadow samples" : "immediate", serving.championVersion());
    }

    /** Version of the champion, the model whose predictions are emitted; 0 while none is loaded. */
    public long currentVersion() {
        return serving.championVersion();
    }

    /** What this instance holds: champion, candidate trial, pending, pinned and held versions. */
    public ServingModels.Status models() {
        return serving.status();
    }

    /** Records scored since start, events and samples together. */
    public long scored() {
        return metrics.scoredTotal();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Closes the admin endpoint, stops the streams (committing what was scored), then releases the models. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            log.warn("scorer streams did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
        }
        serving.close();
    }
}
