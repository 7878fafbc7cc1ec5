package io.streamlearn.scorer.model;

/** ONNX Runtime failed while running or closing a model that had been validated: a defect, not bad input. */
public final class ScoringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScoringException(String message) {
        super(message);
    }

    public ScoringException(String message, Throwable cause) {
        super(message, cause);
    }
}
