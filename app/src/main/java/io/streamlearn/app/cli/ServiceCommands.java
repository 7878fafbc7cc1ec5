package io.streamlearn.app.cli;

import io.streamlearn.ingest.IngestMain;
import io.streamlearn.monitoring.MonitoringMain;
import io.streamlearn.scorer.ScorerMain;
import io.streamlearn.trainer.TrainerMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * One subcommand per service, each running that service alone against a Kafka cluster until SIGTERM, with its
 * own {@code /metrics}. They run the same code as the per-service container images' mains.
 */
public final class ServiceCommands {
    private ServiceCommands() {
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Run the ingest HTTP API (POST /v1/samples, /v1/events, /v1/labels) in front of Kafka.")
    public static final class Ingest implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        @Override
        public Integer call() throws Exception {
            IngestMain.run(options.load());
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
            TrainerMain.run(options.load());
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
            ScorerMain.run(options.load());
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
            MonitoringMain.run(options.load());
            return 0;
        }
    }
}
