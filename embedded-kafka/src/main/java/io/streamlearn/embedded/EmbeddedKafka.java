package io.streamlearn.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Apache Kafka broker running in this JVM in KRaft combined mode (broker and controller in
 * one node), listening on loopback only. It is meant for integration tests and the local all-in-one run: it is
 * configured so that a single node supports everything the pipeline uses (idempotent and transactional producers,
 * Kafka Streams with {@code exactly_once_v2}, consumer groups, compacted topics, 16 MiB model snapshots) and it
 * never auto-creates topics. {@link #stop()} and {@link #restart()} bring the same broker (same port, same data)
 * down and back up, so tests can check how clients behave while the broker is away. The lifecycle methods are
 * synchronized, so a shutdown hook may close a broker that another thread started.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Large enough for 16 MiB model snapshots plus record overhead. */
    private static final int MAX_MESSAGE_BYTES = 20 * 1024 * 1024;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** What makes this node a single-node cluster on loopback with its data in {@link #dataDir}: not overridable. */
    private static final Set<String> OWN_KEYS = Set.of("process.roles", "node.id", "controller.quorum.voters",
            "controller.listener.names", "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "log.dirs", "log.dir", "metadata.log.dir");

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, boolean ownsDataDir, int port, int controllerPort,
                          Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.overrides = overrides;
    }

    /** Starts a broker on a free port with a fresh temporary data directory, deleted again by {@link #close()}. */
    public static EmbeddedKafka start() {
        return startTemporary(0, Map.of());
    }

    /**
     * Like {@link #start()}, with broker properties set over this class's (e.g. {@code log.retention.bytes} for a
     * load that writes more than the disk holds).
     *
     * @throws IllegalArgumentException for a key that makes this node what it is (listeners, roles, directories)
     */
    public static EmbeddedKafka start(Map<String, String> brokerOverrides) {
        for (String key : brokerOverrides.keySet()) {
            if (OWN_KEYS.contains(key)) {
                throw new IllegalArgumentException("broker property " + key + " is set by EmbeddedKafka itself");
            }
        }
        return startTemporary(0, Map.copyOf(brokerOverrides));
    }

    /** Like {@link #start()} but on a given port (0 = free); for {@link EmbeddedKafkaMain}. */
    static EmbeddedKafka startTemporary(int port) {
        return startTemporary(port, Map.of());
    }

    private static EmbeddedKafka startTemporary(int port, Map<String, String> overrides) {
        checkPort(port);
        Path dir;
        try {
            dir = Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory for Kafka", e);
        }
        return startNew(dir, true, port, overrides);
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} (Kafka's {@code log.dirs}; created and formatted if new,
     * reused as is if already formatted) and listens on {@code port}, or on a free port when {@code port} is 0.
     * The directory is kept on {@link #close()}.
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        checkPort(port);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
        }
        return startNew(dataDir.toAbsolutePath(), false, port, Map.of());
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (free port) or 1-65535, got " + port);
        }
    }

    private static EmbeddedKafka startNew(Path dataDir, boolean ownsDataDir, int port, Map<String, String> overrides) {
        int[] ports = freePorts(port == 0 ? 2 : 1);
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, ownsDataDir, port == 0 ? ports[1] : port, ports[0],
                overrides);
        try {
            kafka.restart();
            return kafka;
        } catch (RuntimeException | Error e) {
            kafka.close();
            throw e;
        }
    }

    /** The client bootstrap address, {@code 127.0.0.1:PORT}; stays the same across {@link #stop()}/{@link #restart()}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The broker's data directory (its {@code log.dirs}). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down and waits until it is gone, keeping its data directory and ports so that
     * {@link #restart()} brings the same broker back. Does nothing if it is already stopped.
     */
    public synchronized void stop() {
        KafkaRaftServer running = server;
        if (running == null) {
            return;
        }
        server = null;
        long t0 = System.nanoTime();
        running.shutdown();
        running.awaitShutdown();
        log.info("Kafka broker {} stopped in {} ms", bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Starts the broker again on the same ports and data directory and returns once it serves clients.
     * Does nothing if it is already running.
     *
     * @throws IllegalStateException if the broker was closed, or did not come up within 60 s
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka on " + bootstrapServers() + " is closed");
        }
        if (server != null) {
            return;
        }
        long t0 = System.nanoTime();
        KafkaConfig config = new KafkaConfig(brokerProperties(), false);
        format(config);
        KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            candidate.startup();
            awaitServing();
        } catch (RuntimeException | Error e) {
            shutDownQuietly(candidate);
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " (data " + dataDir
                    + ") did not start: " + e.getMessage(), e);
        }
        server = candidate;
        log.info("Kafka broker serving on {} (data {}) after {} ms", bootstrapServers(), dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Stops the broker and deletes the data directory if {@link #start()} created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownsDataDir) {
                deleteRecursively(dataDir);
            }
        }
    }

    private Map<String, String> brokerProperties() {
        String dir = dataDir.toString();
        Map<String, String> p = new HashMap<>();
        // KRaft combined mode: this one node is the whole cluster, broker and its own controller quorum.
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // A static voter set keeps formatting simple and lets a kept data dir restart on any controller port.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir);
        p.put("metadata.log.dir", dir);
        // Kafka fails startup itself instead of hanging forever if something is wrong.
        p.put("server.max.startup.time.ms", String.valueOf(STARTUP_TIMEOUT.toMillis()));

        // Internal topics default to replication factor 3; a single node needs 1, or groups and
        // transactions (exactly-once producers, Kafka Streams exactly_once_v2) never become available.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer internal partitions than the default 50: created on first use, so this keeps the first
        // consumer group / transaction fast on small machines. Nothing here needs more parallelism.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests and the local run want consumers to get partitions at once, not after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        // Topics are created explicitly with their settings (compaction, sizes); a typo must not create one.
        p.put("auto.create.topics.enable", "false");

        // Model snapshots are up to 16 MiB.
        p.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        // The log cleaner (compacted topics) allocates this buffer up front; the 128 MiB default is wasteful
        // when several test brokers share one heap.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // Small thread pools: this broker serves one machine's worth of clients.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "4");
        p.putAll(overrides);
        return p;
    }

    /**
     * Formats the data directory with Kafka's own storage formatter (what {@code kafka-storage.sh format} runs).
     * An already formatted directory is left alone, so it keeps its cluster id and data.
     */
    private void format(KafkaConfig config) {
        // Kafka's ignore-formatted mode still insists on the same cluster id, which we do not keep anywhere
        // else; meta.properties is the marker Kafka itself reads to know a directory is formatted.
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(config.nodeId())
                    .setClusterId(clusterId)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(List.of(dataDir.toString()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** startup() returns once the broker is unfenced; this proves a client can actually talk to it. */
    private void awaitServing() {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka to serve", e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not serve clients within "
                + STARTUP_TIMEOUT.toSeconds() + " s", last);
    }

    private static void shutDownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Error shutting down a Kafka broker that failed to start", e);
        }
    }

    /** Binds port 0 to let the OS pick a free port; a small race remains until Kafka binds it. */
    /** {@code n} distinct free ports: all sockets stay open until every port is picked, so none repeats. */
    private static int[] freePorts(int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        } finally {
            for (ServerSocket s : sockets) {
                release(s);
            }
        }
    }

    private static void release(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release port " + socket.getLocalPort(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to serve", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete Kafka data directory {}", root, e);
        }
    }
}
