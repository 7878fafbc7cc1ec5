package io.streamlearn.app.cli;

import io.streamlearn.embedded.EmbeddedKafkaMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamlearn broker}: a single-node KRaft Kafka broker on loopback, for trying the services locally. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node Kafka broker (KRaft) on 127.0.0.1 until SIGTERM; prints bootstrap.servers=... when ready.")
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Listener port; 0 = a free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Log folder to keep (default: temporary, deleted on exit).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
        if (dataDir != null) {
            args.addAll(List.of("--data-dir", dataDir.toString()));
        }
        EmbeddedKafkaMain.main(args.toArray(String[]::new));
        return 0;
    }
}
