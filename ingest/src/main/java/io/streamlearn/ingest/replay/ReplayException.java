package io.streamlearn.ingest.replay;

import java.io.IOException;

/** The ingest API refused a batch: its HTTP status and answer body, and how many samples had been accepted. */
public final class ReplayException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String body;
    private final long accepted;

    public ReplayException(String message, int status, String body, long accepted) {
        super(message);
        this.status = status;
        this.body = body;
        this.accepted = accepted;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    /** Samples accepted before the refused batch. */
    public long accepted() {
        return accepted;
    }
}
