package io.streamlearn.bench.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service in its own JVM (this JVM's java and class path, a given -Xmx and environment), its output in a
 * log file, and its memory as the kernel accounts it: resident set (VmRSS) and its high-water mark (VmHWM)
 * from {@code /proc/<pid>/status}.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The services' launch option (bin/streamlearn, deploy/Dockerfile): measure them as they run. */
    static final String JAVACPP_NO_PHYSICAL_POLL = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0";

    public static ServiceProcess start(String name, String mainClass, String xmx, Map<String, String> env,
                                       List<String> args, Path logDir) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + xmx, JAVACPP_NO_PHYSICAL_POLL, "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(args);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            return new ServiceProcess(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + mainClass + ")", e);
        }
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The resident set now, in KiB. */
    public long rssKb() {
        return status("VmRSS:");
    }

    /** The highest resident set so far, in KiB. */
    public long peakRssKb() {
        return status("VmHWM:");
    }

    private long status(String field) {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            return Files.readAllLines(status).stream().filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .orElseThrow(() -> new IllegalStateException(status + " has no " + field));
        } catch (IOException e) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") has exited: " + tail(), e);
        }
    }

    /** The last lines of its log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** SIGTERM, then up to 30 s for a clean stop, then SIGKILL. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
