package io.streamlearn.scorer.model;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model currently served, swapped without stopping. Scoring threads {@link #tryAcquire() lease} the current
 * model for the duration of a call; {@link #install} replaces it atomically, and a replaced model is closed by
 * whichever thread releases its last lease, so an ONNX Runtime session is never closed under a running inference.
 * {@link #install} only moves versions forward; {@link #replace} (a pinned rollback) and {@link #takeFrom} (a
 * promotion) serve whatever they are given.
 */
public final class ModelSlot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelSlot.class);

    private final AtomicReference<Served> current = new AtomicReference<>();
    private final Object installLock = new Object();
    private boolean closed;

    /** Leases the current model, or returns empty while none has been installed. Close the lease after the call. */
    public Optional<Lease> tryAcquire() {
        while (true) {
            Served served = current.get();
            if (served == null) {
                return Optional.empty();
            }
            if (served.retain()) {
                return Optional.of(new Lease(served));
            }
            // It was replaced and fully released between get() and retain(): read the replacement.
        }
    }

    /**
     * Serves {@code model} from now on if it is newer than the current one; the slot then owns it. Returns false
     * (the caller still owns and must close it) when its version is not newer.
     */
    public boolean install(OnnxModel model) {
        synchronized (installLock) {
            Served old = current.get();
            if (old != null && model.version() <= old.model.version()) {
                log.info("ignoring {}: it is not newer than the served v{}", model, old.model.version());
                return false;
            }
            swapIn(new Served(model));
        }
        return true;
    }

    /** Serves {@code model} from now on whatever its version (an operator's rollback); the slot then owns it. */
    public void replace(OnnxModel model) {
        synchronized (installLock) {
            swapIn(new Served(model));
        }
    }

    /**
     * Serves the model of {@code other} from now on and leaves {@code other} empty; leases taken from {@code other}
     * stay valid, and the model is closed only after the last of them and this slot let it go.
     */
    public void takeFrom(ModelSlot other) {
        if (other == this) {
            throw new IllegalArgumentException("a slot cannot take its own model");
        }
        synchronized (installLock) {
            Served moved;
            synchronized (other.installLock) {
                moved = other.current.getAndSet(null);
            }
            if (moved == null) {
                throw new IllegalStateException("the other slot serves no model to take");
            }
            swapIn(moved);
        }
    }

    /** Stops serving the current model, if any (closed once its last lease is released); returns its version or 0. */
    public long clear() {
        Served removed;
        synchronized (installLock) {
            removed = current.getAndSet(null);
        }
        if (removed == null) {
            return 0;
        }
        removed.release();
        return removed.model.version();
    }

    /** Called under installLock; hands the slot's reference on the previous model back. */
    private void swapIn(Served next) {
        if (closed) {
            throw new IllegalStateException("cannot install " + next.model + ": the model slot is closed");
        }
        Served previous = current.getAndSet(next);
        if (previous == null) {
            log.info("serving {}", next.model);
        } else {
            log.info("swapped {} for v{}", next.model, previous.model.version());
            previous.release();
        }
    }

    /** Version of the model served now, 0 while none. */
    public long currentVersion() {
        Served served = current.get();
        return served == null ? 0 : served.model.version();
    }

    /** Stops serving; the last model is closed once its last lease is released. */
    @Override
    public void close() {
        Served last;
        synchronized (installLock) {
            closed = true;
            last = current.getAndSet(null);
        }
        if (last != null) {
            last.release();
        }
    }

    /** A model with its reference count: one reference held by the slot while current, one per open lease. */
    private static final class Served {
        final OnnxModel model;
        final AtomicInteger references = new AtomicInteger(1);

        Served(OnnxModel model) {
            this.model = model;
        }

        boolean retain() {
            int n;
            do {
                n = references.get();
                if (n == 0) {
                    return false;
                }
            } while (!references.compareAndSet(n, n + 1));
            return true;
        }

        void release() {
            int left = references.decrementAndGet();
            if (left == 0) {
                model.close();
                log.debug("closed {}", model);
            } else if (left < 0) {
                throw new IllegalStateException(model + " released more often than retained");
            }
        }
    }

    /** The right to use one model until closed; not shared between threads. */
    public static final class Lease implements AutoCloseable {
        private final Served served;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Served served) {
            this.served = served;
        }

        public OnnxModel model() {
            if (released.get()) {
                throw new IllegalStateException("lease on " + served.model + " already released");
            }
            return served.model;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                served.release();
            }
        }
    }
}
