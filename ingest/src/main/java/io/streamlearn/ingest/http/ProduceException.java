package io.streamlearn.ingest.http;

/** Kafka did not acknowledge a request's records in time, or refused them; the client may retry later. */
final class ProduceException extends Exception {
    private static final long serialVersionUID = 1L;
    ProduceException(String message, Throwable cause) {
        super(message, cause);
    }
}
