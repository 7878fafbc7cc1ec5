package io.streamlearn.ingest.validation;

import java.util.List;
import java.util.Locale;

/**
 * The three kinds of records the API takes, with the JSON fields each may carry and the field numbers of its
 * protobuf message.
 */
public enum RecordKind {
    SAMPLE(List.of("id", "features", "label", "timestamp")),
    EVENT(List.of("id", "features", "timestamp")),
    LABEL(List.of("event_id", "eventId", "label", "timestamp"));

    /** What a protobuf field (number and wire type) holds. */
    enum ProtoField { ID, FEATURES, LABEL, TIMESTAMP, UNKNOWN }

    private static final int VARINT = 0;
    private static final int LEN = 2;
    private static final int I32 = 5;

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

    /** The message name in streamlearn.proto. */
    String protoName() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }

    /**
     * Sample {1 id, 2 features, 3 label, 4 timestamp_ms}, Event {1 id, 2 features, 3 timestamp_ms},
     * Label {1 event_id, 2 label, 3 timestamp_ms}; features packed (LEN) or not (I32). A known number with
     * another wire type is an unknown field, as protobuf treats it.
     */
    ProtoField protoField(int number, int wireType) {
        ProtoField field = switch (this) {
            case SAMPLE -> number == 1 ? ProtoField.ID : number == 2 ? ProtoField.FEATURES
                    : number == 3 ? ProtoField.LABEL : number == 4 ? ProtoField.TIMESTAMP : ProtoField.UNKNOWN;
            case EVENT -> number == 1 ? ProtoField.ID : number == 2 ? ProtoField.FEATURES
                    : number == 3 ? ProtoField.TIMESTAMP : ProtoField.UNKNOWN;
            case LABEL -> number == 1 ? ProtoField.ID : number == 2 ? ProtoField.LABEL
                    : number == 3 ? ProtoField.TIMESTAMP : ProtoField.UNKNOWN;
        };
        boolean typeMatches = switch (field) {
            case ID -> wireType == LEN;
            case FEATURES -> wireType == LEN || wireType == I32;
            case LABEL, TIMESTAMP -> wireType == VARINT;
            case UNKNOWN -> false;
        };
        return typeMatches ? field : ProtoField.UNKNOWN;
    }
}
