package io.streamlearn.monitoring;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import io.streamlearn.monitoring.topology.MonitoringTopology;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the monitoring topology on Kafka Streams and owns its {@link KafkaStreams} instance. */
public final class MonitoringService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitoringService.class);

    private final AccuracyTracker tracker;
    private final KafkaStreams streams;

    public MonitoringService(MonitoringConfig config, KafkaSettings kafka, CollectorRegistry registry) {
        MonitoringMetrics metrics = new MonitoringMetrics(registry);
        this.tracker = new AccuracyTracker(config.accuracyWindow(), config.trackedVersions(), metrics);
        StreamsBuilder builder = new StreamsBuilder();
        MonitoringTopology.build(builder, config, tracker, metrics);
        this.streams = new KafkaStreams(builder.build(), streamsProperties(config, kafka));
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

    public void start() {
        streams.setUncaughtExceptionHandler(e -> {
            log.error("monitoring stream thread failed; shutting the client down", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        log.info("monitoring started");
    }

    public AccuracyTracker accuracy() {
        return tracker;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
