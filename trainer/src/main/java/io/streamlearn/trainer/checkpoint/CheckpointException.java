package io.streamlearn.trainer.checkpoint;

/** A checkpoint that exists but cannot be resumed from: the trainer refuses to start rather than guess. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckpointException(String message) {
        super(message);
    }

    CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
