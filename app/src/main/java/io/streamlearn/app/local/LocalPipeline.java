package io.streamlearn.app.local;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import io.streamlearn.common.service.Lifecycle;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.metrics.MetricsServer;
import io.streamlearn.common.metrics.MetricsSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.http.IngestServer;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.MonitoringService;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.service.TrainerService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service of the pipeline in this process, on an embedded Kafka broker: what the local run and the
 * end-to-end test start. The services share one metrics registry and one {@code /metrics} endpoint.
 */
public final class LocalPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

    private final Lifecycle lifecycle = new Lifecycle();
    private final Settings settings;
    private final KafkaSettings kafka;
    private final MetricsServer metricsServer;
    private final IngestServer ingest;
    private final TrainerService trainer;
    private final ScorerService scorer;
    private final MonitoringService monitoring;
    private final String modelName;

    private LocalPipeline(Settings base, Path dataDir) {
        try {
            EmbeddedKafka broker = lifecycle.own(EmbeddedKafka.start(dataDir.resolve("kafka"), 0));
            settings = base.with(Map.of(
                            KafkaSettings.BOOTSTRAP.name(), broker.bootstrapServers(),
                            ScorerConfig.STATE_DIR.name(), dataDir.resolve("scorer-state").toString(),
                            TrainerConfig.CHECKPOINT_DIR.name(), dataDir.resolve("trainer-checkpoints").toString(),
                            MonitoringConfig.STATE_DIR.name(), dataDir.resolve("monitoring-state").toString()))
                    .withDefaults(Map.of(KafkaSettings.PARTITIONS.name(), "1"));
            kafka = KafkaSettings.from(settings);
            TopicAdmin.ensureTopics(kafka, Topics.ALL, Duration.ofSeconds(60));

            CollectorRegistry registry = new CollectorRegistry();
            DefaultExports.register(registry);
            MetricsSettings metrics = MetricsSettings.from(settings);
            metricsServer = lifecycle.own(MetricsServer.start(metrics.host(), metrics.port(), registry));
            ingest = lifecycle.own(IngestServer.start(IngestConfig.from(settings), kafka, registry));
            TrainerConfig trainerConfig = TrainerConfig.from(settings);
            modelName = trainerConfig.modelName();
            trainer = lifecycle.own(new TrainerService(trainerConfig, kafka, registry));
            Thread trainerThread = new Thread(trainer, "streamlearn-trainer");
            trainerThread.start();
            scorer = lifecycle.own(new ScorerService(ScorerConfig.from(settings), kafka, registry));
            scorer.start();
            monitoring = lifecycle.own(new MonitoringService(MonitoringConfig.from(settings), kafka, registry));
            monitoring.start();
            log.info("local pipeline up: kafka {}, ingest http://127.0.0.1:{}/v1/samples, metrics http://127.0.0.1:{}/metrics",
                    kafka.bootstrapServers(), ingest.port(), metricsServer.port());
        } catch (RuntimeException e) {
            lifecycle.close();
            throw e;
        }
    }

    /** Starts the broker (data under {@code dataDir}) and every service; closes what started if a later step fails. */
    public static LocalPipeline start(Settings settings, Path dataDir) {
        return new LocalPipeline(settings, dataDir);
    }

    public Settings settings() {
        return settings;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public URI ingestUri() {
        return URI.create("http://127.0.0.1:" + ingest.port());
    }

    public int metricsPort() {
        return metricsServer.port();
    }

    public String modelName() {
        return modelName;
    }

    public TrainerService trainer() {
        return trainer;
    }

    public ScorerService scorer() {
        return scorer;
    }

    public MonitoringService monitoring() {
        return monitoring;
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
