package io.streamlearn.monitoring;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.service.Service;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.monitoring.drift.DriftMonitor;
import io.streamlearn.monitoring.metrics.ConsumerLag;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import io.streamlearn.monitoring.topology.MonitoringTopology;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the monitoring topology on Kafka Streams and owns its {@link KafkaStreams} instance. */
public final class MonitoringService implements Service {
    private static final Logger log = LoggerFactory.getLogger(MonitoringService.class);

    private final MonitoringConfig config;
    private final AccuracyTracker tracker;
    private final DriftMonitor drift;
    private final KafkaStreams streams;
    private final CollectorRegistry registry;
    private final ConsumerLag lag;

    public MonitoringService(MonitoringConfig config, KafkaSettings kafka, CollectorRegistry registry) {
        this.config = config;
        this.registry = registry;
        MonitoringMetrics metrics = new MonitoringMetrics(registry);
        this.tracker = new AccuracyTracker(config.accuracyWindow(), config.trackedVersions(), config.fadingFactor(),
                config.maxClasses(), metrics);
        this.drift = new DriftMonitor(config.drift(), config.modelName(), config.maxClasses(), metrics,
                System::currentTimeMillis);
        StreamsBuilder builder = new StreamsBuilder();
        MonitoringTopology.build(builder, config, tracker, drift, metrics);
        this.streams = new KafkaStreams(builder.build(), streamsProperties(config, kafka));
        this.lag = new ConsumerLag(streams::metrics, Set.of(Topics.PREDICTIONS.name(), Topics.LABELS.name(),
                Topics.SAMPLES.name(), Topics.EVENTS.name())).register(registry);
    }

    /**
     * Metrics need no exactly-once output, but the predictions are written transactionally by the scorer,
     * so the consumer reads committed data only: aborted predictions must never be counted.
     */
    public static Properties streamsProperties(MonitoringConfig config, KafkaSettings kafka) {
        Properties p = KafkaClients.common(kafka, config.applicationId());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        return p;
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

    @Override
    public void start() {
        streams.setUncaughtExceptionHandler(e -> {
            log.error("monitoring stream thread failed; shutting the client down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        log.info("monitoring started for model {}: join window {}, accuracy window {}, drift alerts from {}",
                config.modelName(), config.joinWindow(), config.accuracyWindow(), config.drift().detector());
    }

    public AccuracyTracker accuracy() {
        return tracker;
    }

    /** The last drift alerts sent (at most 100), oldest first; each carries its detector, position and time. */
    public List<DriftAlert> driftAlerts() {
        return drift.alerts();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        registry.unregister(lag);
    }
}
