package io.streamlearn.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the numbers were measured on: CPU, cores, memory, JDK, OS, and how busy the machine was. */
public final class Machine {
    private Machine() {
    }

    public static Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("CPU", cpuModel());
        d.put("cores", Runtime.getRuntime().availableProcessors() + " (as the JVM sees them)");
        d.put("memory", meminfoKb("MemTotal").map(kb -> Math.round(kb / 1024.0 / 1024.0) + " GiB").orElse("unknown"));
        d.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        d.put("benchmark JVM options", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        d.put("OS", osRelease() + ", kernel " + System.getProperty("os.version"));
        d.put("environment", "OMP_NUM_THREADS=" + env("OMP_NUM_THREADS") + ", OPENBLAS_CORETYPE="
                + env("OPENBLAS_CORETYPE") + ", OPENBLAS_L2_SIZE=" + env("OPENBLAS_L2_SIZE"));
        return d;
    }

    /** The 1, 5 and 15 minute load averages. */
    public static String loadAverage() {
        String[] parts = read(Path.of("/proc/loadavg")).trim().split("\\s+");
        return parts[0] + " / " + parts[1] + " / " + parts[2];
    }

    public static double load1() {
        return Double.parseDouble(read(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }

    private static String cpuModel() {
        List<String> lines = lines(Path.of("/proc/cpuinfo"));
        String model = field(lines, "model name").orElse("unknown");
        String family = field(lines, "cpu family").orElse("?");
        String number = field(lines, "model").orElse("?");
        String flags = field(lines, "flags").orElse("");
        String simd = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2";
        return model + " (family " + family + ", model " + number + ", " + simd + ")";
    }

    private static Optional<String> field(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name) && l.substring(name.length()).trim().startsWith(":"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim());
    }

    /** Ticks of all cores since boot: all of them and the idle ones (idle plus iowait), from {@code /proc/stat}. */
    public record CpuTicks(long total, long idle) {
        /** The share of the ticks since {@code earlier} in which the cores were busy; 0 if none passed. */
        public double busyShareSince(CpuTicks earlier) {
            long ticks = total - earlier.total;
            return ticks <= 0 ? 0 : (double) (ticks - (idle - earlier.idle)) / ticks;
        }
    }

    /** The machine's CPU ticks now; empty where {@code /proc/stat} cannot be read (not Linux). */
    public static Optional<CpuTicks> cpuTicks() {
        Path stat = Path.of("/proc/stat");
        if (!Files.isReadable(stat)) {
            return Optional.empty();
        }
        // cpu user nice system idle iowait irq softirq steal; guest time is inside user already.
        String[] f = lines(stat).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        return Optional.of(new CpuTicks(total, Long.parseLong(f[4]) + Long.parseLong(f[5])));
    }

    /** A {@code /proc/meminfo} value in KiB, if the line is there. */
    public static Optional<Long> meminfoKb(String key) {
        return lines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith(key + ":"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")));
    }

    private static String osRelease() {
        return lines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                .findFirst().map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
                .orElse(System.getProperty("os.name"));
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static String read(Path p) {
        return String.join("\n", lines(p));
    }
}
