package io.streamlearn.bench.stage;

import io.streamlearn.bench.report.Format;
import io.streamlearn.bench.report.Machine;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits before a latency phase until the machine's cores have been mostly idle for a second, or gives up after a
 * limit and says so: work left over from the phase before (an application closing, the broker deleting segments, a
 * concurrent GC cycle) would otherwise fall into the phase's first segments, and on a shared machine the log then
 * shows whether another process was busy when the phase began.
 */
public final class Quiescence {
    private static final Logger log = LoggerFactory.getLogger(Quiescence.class);
    /** Busy share of all cores below which the machine counts as quiet: a fifth of a core on 2 cores. */
    public static final double QUIET = 0.10;
    public static final long MAX_WAIT_MS = 5_000;
    private static final long WINDOW_MS = 1000;

    private Quiescence() {
    }

    /** Returns the busy share of the last one-second window before the phase starts (NaN where not measurable). */
    static double await(String phase) {
        Optional<Machine.CpuTicks> first = Machine.cpuTicks();
        if (first.isEmpty()) {
            return Double.NaN;
        }
        Machine.CpuTicks before = first.get();
        long start = System.nanoTime();
        double busy;
        do {
            sleep(WINDOW_MS);
            Machine.CpuTicks after = Machine.cpuTicks().orElseThrow();
            busy = after.busyShareSince(before);
            before = after;
        } while (busy > QUIET && (System.nanoTime() - start) / 1_000_000 < MAX_WAIT_MS);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        if (busy > QUIET) {
            log.warn("{}: the cores were still {} busy after {} ms; starting anyway", phase, Format.percent(busy),
                    waitedMs);
        } else {
            log.info("{}: cores {} busy in the last second, after {} ms", phase, Format.percent(busy), waitedMs);
        }
        return busy;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a quiet machine", e);
        }
    }
}
