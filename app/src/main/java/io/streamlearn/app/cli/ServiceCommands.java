package io.streamlearn.app.cli;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.metrics.MetricsServer;
import io.streamlearn.common.metrics.MetricsSettings;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.http.IngestServer;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.MonitoringService;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.service.TrainerService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * One subcommand per service, each running that service alone against a Kafka cluster until SIGTERM.
 * Configuration is validated before anything starts; each service serves its own {@code /metrics}.
 */
public final class ServiceCommands {
    private ServiceCommands() {
    }

    /** What every service process has: validated Kafka settings, a metrics registry served on /metrics. */
    private record Runtime(Settings settings, KafkaSettings kafka, CollectorRegistry registry, Lifecycle lifecycle) {
        static Runtime start(SettingsOptions options) {
            Settings settings = options.load();
            KafkaSettings kafka = KafkaSettings.from(settings);
            MetricsSettings metrics = MetricsSettings.from(settings);
            CollectorRegistry registry = new CollectorRegistry();
            DefaultExports.register(registry);
            Lifecycle lifecycle = new Lifecycle();
            lifecycle.own(MetricsServer.start(metrics.host(), metrics.port(), registry));
            return new Runtime(settings, kafka, registry, lifecycle);
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Run the ingest HTTP API (POST /v1/samples, /v1/events, /v1/labels) in front of Kafka.")
    public static final class Ingest implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        @Override
        public Integer call() throws Exception {
            IngestConfig config = IngestConfig.from(options.load());
            Runtime rt = Runtime.start(options);
            rt.lifecycle().own(IngestServer.start(config, rt.kafka(), rt.registry()));
            rt.lifecycle().awaitShutdown();
            return 0;
        }
    }

    @Command(name = "trainer", mixinStandardHelpOptions = true,
            description = "Run the trainer: learn from the samples topic, publish ONNX snapshots to the models topic.")
    public static final class Trainer implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        @Override
        public Integer call() {
            TrainerConfig config = TrainerConfig.from(options.load());
            Runtime rt = Runtime.start(options);
            TrainerService trainer = rt.lifecycle().own(new TrainerService(config, rt.kafka(), rt.registry()));
            rt.lifecycle().closeOnShutdown();
            trainer.run(); // returns when closed by the shutdown hook, or when training fails
            rt.lifecycle().close();
            return 0;
        }
    }

    @Command(name = "scorer", mixinStandardHelpOptions = true,
            description = "Run the scorer: classify events and samples with the newest promoted ONNX snapshot.")
    public static final class Scorer implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        @Override
        public Integer call() throws Exception {
            ScorerConfig config = ScorerConfig.from(options.load());
            Runtime rt = Runtime.start(options);
            rt.lifecycle().own(new ScorerService(config, rt.kafka(), rt.registry())).start();
            rt.lifecycle().awaitShutdown();
            return 0;
        }
    }

    @Command(name = "monitoring", mixinStandardHelpOptions = true,
            description = "Run monitoring: join predictions with labels, expose accuracy per model version.")
    public static final class Monitoring implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        @Override
        public Integer call() throws Exception {
            MonitoringConfig config = MonitoringConfig.from(options.load());
            Runtime rt = Runtime.start(options);
            rt.lifecycle().own(new MonitoringService(config, rt.kafka(), rt.registry())).start();
            rt.lifecycle().awaitShutdown();
            return 0;
        }
    }
}
