package io.streamlearn.app;

import io.streamlearn.app.cli.BrokerCommand;
import io.streamlearn.app.cli.ConfigCommand;
import io.streamlearn.app.cli.FetchMnistCommand;
import io.streamlearn.app.cli.ReplayCommand;
import io.streamlearn.app.cli.ServiceCommands;
import io.streamlearn.app.local.LocalRunCommand;
import io.streamlearn.app.quality.LearningQualityCommand;
import io.streamlearn.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code streamlearn} command: parses the command line and hands over to one subcommand. */
@Command(name = "streamlearn", mixinStandardHelpOptions = true, version = "streamlearn 0.1.0",
        description = "Streaming online learning on Kafka: ingest, trainer (DL4J), scorer (ONNX Runtime), monitoring.",
        subcommands = {LocalRunCommand.class, ServiceCommands.Ingest.class, ServiceCommands.Trainer.class,
                ServiceCommands.Scorer.class, ServiceCommands.Monitoring.class, ReplayCommand.class,
                LearningQualityCommand.class, FetchMnistCommand.class, BrokerCommand.class, ConfigCommand.class})
public final class Streamlearn implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Streamlearn());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("configuration error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
