package io.streamlearn.bench.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits before a latency phase until the machine's cores have been mostly idle for a second (from
 * {@code /proc/stat}), or gives up after a limit and says so: work left over from the phase before (an application
 * closing, the broker deleting segments, a concurrent GC cycle) would otherwise fall into the phase's first
 * segments, and on a shared machine the log then shows whether another process was busy when the phase began.
 */
public final class Quiescence {
    private static final Logger log = LoggerFactory.getLogger(Quiescence.class);
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** Busy share of all cores below which the machine counts as quiet: a fifth of a core on 2 cores. */
    public static final double QUIET = 0.10;
    public static final long MAX_WAIT_MS = 5_000;
    private static final long WINDOW_MS = 1000;

    private Quiescence() {
    }

    /** Returns the busy share of the last one-second window before the phase starts. */
    static double await(String phase) {
        if (!Files.isReadable(PROC_STAT)) {
            return Double.NaN;
        }
        long start = System.nanoTime();
        double busy;
        do {
            busy = busyOver(WINDOW_MS);
        } while (busy > QUIET && (System.nanoTime() - start) / 1_000_000 < MAX_WAIT_MS);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        if (busy > QUIET) {
            log.warn("{}: the cores were still {}% busy after {} ms; starting anyway", phase, percent(busy), waitedMs);
        } else {
            log.info("{}: cores {}% busy in the last second, after {} ms", phase, percent(busy), waitedMs);
        }
        return busy;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f", share * 100);
    }

    private static double busyOver(long windowMs) {
        long[] before = cpuTicks();
        try {
            Thread.sleep(windowMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a quiet machine", e);
        }
        long[] after = cpuTicks();
        long total = after[0] - before[0];
        return total <= 0 ? 0 : (double) (total - (after[1] - before[1])) / total;
    }

    /** All ticks and idle ticks (idle plus iowait) of the machine's cores since boot. */
    private static long[] cpuTicks() {
        try {
            String line = Files.readAllLines(PROC_STAT).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            // cpu user nice system idle iowait irq softirq steal; guest time is inside user already.
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC_STAT, e);
        }
    }
}
