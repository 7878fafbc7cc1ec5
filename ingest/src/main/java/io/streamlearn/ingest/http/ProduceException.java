package io.streamlearn.ingest.http;

/** Kafka did not acknowledge a request's records in time, or refused them; the client may retry later. */
final class ProduceException extends Exception {
    ProduceException(String message, Throwable cause) {
        super(message, cause);
    }
}
