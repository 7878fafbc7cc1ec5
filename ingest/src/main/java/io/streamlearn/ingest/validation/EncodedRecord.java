package io.streamlearn.ingest.validation;

/** A validated record ready for Kafka: its key (the id, the event id for labels) and its protobuf encoding. */
public record EncodedRecord(String key, byte[] value) {
}
