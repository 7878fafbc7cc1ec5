package io.streamlearn.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one {@link EmbeddedKafka} broker as its own JVM: {@code --port N} (default 9092, 0 = free port) and
 * {@code --data-dir D} (default: a temporary directory deleted on exit). Prints {@code bootstrap.servers=HOST:PORT}
 * on stdout once the broker serves, so scripts can wait for that line, and stops cleanly on SIGTERM/SIGINT.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before any logger exists: quiet broker logs on stderr, unless the caller configured logback itself.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/streamlearn/embedded/embedded-kafka-logback.xml");
        }
        int port = 9092;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--port") || arg.equals("--data-dir")) && i + 1 == args.length) {
                usage("missing value for " + arg);
            }
            switch (arg) {
                case "--port" -> port = parsePort(args[++i]);
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument: " + arg);
            }
        }

        EmbeddedKafka kafka = dataDir == null ? EmbeddedKafka.startTemporary(port) : EmbeddedKafka.start(dataDir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM runs shutdown hooks: close the broker there so its logs are flushed and a kept dir restarts cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        System.out.println("bootstrap.servers=" + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the usage
        }
        usage("--port must be an integer 0-65535, got '" + value + "'");
        return -1;
    }

    private static final String USAGE = "usage: EmbeddedKafkaMain [--port N (default 9092, 0 = free)] [--data-dir DIR "
            + "(default: temporary, deleted on exit)]";

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println(USAGE);
        System.exit(2);
    }
}
