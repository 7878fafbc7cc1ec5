package io.streamlearn.trainer.service;

/** A snapshot that would not fit on the models topic; the model size is fixed by its architecture. */
public final class SnapshotTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SnapshotTooLargeException(String message) {
        super(message);
    }
}
