package io.streamlearn.ingest.validation;

import java.util.List;

/** The three kinds of records the API takes, with the JSON fields each may carry. */
enum RecordKind {
    SAMPLE(List.of("id", "features", "label", "timestamp")),
    EVENT(List.of("id", "features", "timestamp")),
    LABEL(List.of("event_id", "eventId", "label", "timestamp"));

    private final List<String> fields;

    RecordKind(List<String> fields) {
        this.fields = fields;
    }

    List<String> fields() {
        return fields;
    }

    boolean hasFeatures() {
        return this != LABEL;
    }

    boolean hasLabel() {
        return this != EVENT;
    }
}
