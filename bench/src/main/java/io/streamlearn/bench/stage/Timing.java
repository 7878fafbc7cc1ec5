package io.streamlearn.bench.stage;

import com.sun.management.OperatingSystemMXBean;
import io.streamlearn.bench.report.Stats;
import java.lang.management.ManagementFactory;

/**
 * Throughput of a repeated step: a warm-up, then repetitions of a fixed wall-clock window each. Each window
 * gives two rates: items per wall-clock second, and items per CPU-second of the whole process (this JVM's CPU
 * time, GC and JIT threads included), which holds still when other processes compete for the cores.
 */
public final class Timing {
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Timing() {
    }

    /** Items per wall-clock second and per process CPU-second, one value per repetition each. */
    public record Rates(Stats wall, Stats cpu) {
    }

    /** Runs {@code step} for {@code warmupSeconds}, then {@code reps} windows of {@code seconds}. */
    public static Rates rates(Step step, int reps, double seconds, double warmupSeconds) {
        Window window = loop(step);
        measure(window, warmupSeconds);
        double[] wall = new double[reps];
        double[] cpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            double[] w = measure(window, seconds);
            wall[i] = w[0];
            cpu[i] = w[1];
        }
        return new Rates(Stats.of(wall), Stats.of(cpu));
    }

    /**
     * Like {@link #rates} for two steps, alternating their windows (a, b, a, b, ...) after warming both up, so
     * that a change in machine load falls on both.
     */
    public static Rates[] interleaved(Step a, Step b, int reps, double seconds, double warmupSeconds) {
        return interleavedWindows(loop(a), loop(b), reps, seconds, warmupSeconds);
    }

    /** Like {@link #interleaved} for work that runs its own window, e.g. on several client threads. */
    public static Rates[] interleavedWindows(Window a, Window b, int reps, double seconds, double warmupSeconds) {
        measure(a, warmupSeconds);
        measure(b, warmupSeconds);
        double[][] out = new double[4][reps];
        for (int i = 0; i < reps; i++) {
            double[] wa = measure(a, seconds);
            double[] wb = measure(b, seconds);
            out[0][i] = wa[0];
            out[1][i] = wa[1];
            out[2][i] = wb[0];
            out[3][i] = wb[1];
        }
        return new Rates[] {new Rates(Stats.of(out[0]), Stats.of(out[1])),
                new Rates(Stats.of(out[2]), Stats.of(out[3]))};
    }

    private static Window loop(Step step) {
        return deadline -> {
            long items = 0;
            do {
                items += step.run();
            } while (System.nanoTime() < deadline);
            return items;
        };
    }

    /** [items per wall second, items per process CPU-second] over one window. */
    private static double[] measure(Window window, double seconds) {
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        long items = window.runUntil(start + (long) (seconds * 1e9));
        long now = System.nanoTime();
        long cpu = Math.max(1, processCpuNanos() - cpuStart);
        return new double[] {items / ((now - start) / 1e9), items / (cpu / 1e9)};
    }

    /** CPU time of this whole process so far. */
    private static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /** One unit of work; returns how many items it handled. */
    @FunctionalInterface
    public interface Step {
        int run();
    }

    /** Work that runs until {@code deadlineNanos} ({@link System#nanoTime()}); returns how many items it handled. */
    @FunctionalInterface
    public interface Window {
        long runUntil(long deadlineNanos);
    }
}
