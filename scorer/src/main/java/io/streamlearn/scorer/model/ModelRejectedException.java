package io.streamlearn.scorer.model;

import java.util.Locale;

/**
 * A model snapshot the scorer refuses to serve; the message names the model version and why, and
 * {@link #reason()} is a bounded category usable as a metric label.
 */
public final class ModelRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a snapshot was rejected; {@link #label()} is its metric label. */
    public enum Reason {
        /** The record on the models topic is not a ModelSnapshot. */
        UNDECODABLE,
        /** Name, class names or tensor names are missing or do not match what this scorer serves. */
        INVALID_METADATA,
        /** The snapshot's input size differs from the configured feature count. */
        INPUT_SIZE_MISMATCH,
        /** ONNX Runtime cannot load the graph. */
        UNLOADABLE,
        /** The graph's inputs or outputs do not match the snapshot's metadata. */
        SIGNATURE_MISMATCH,
        /** A trial inference failed or returned an unexpected shape or non-finite values. */
        PROBE_FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public ModelRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
