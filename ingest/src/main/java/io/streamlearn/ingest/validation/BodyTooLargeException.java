package io.streamlearn.ingest.validation;

import java.io.IOException;

/** Thrown while reading a request body as soon as it exceeds the configured limit. */
public final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    public BodyTooLargeException(long limit) {
        super("request body is larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
