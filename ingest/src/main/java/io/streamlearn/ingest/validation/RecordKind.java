package io.streamlearn.ingest.validation;

import com.google.protobuf.WireFormat;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
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
     * The field of this kind's message with protobuf field {@code number}; features packed (length-delimited) or not
     * (fixed32). A known number with another wire type is an unknown field, as protobuf treats it.
     */
    ProtoField protoField(int number, int wireType) {
        ProtoField field = switch (this) {
            case SAMPLE -> switch (number) {
                case Sample.ID_FIELD_NUMBER -> ProtoField.ID;
                case Sample.FEATURES_FIELD_NUMBER -> ProtoField.FEATURES;
                case Sample.LABEL_FIELD_NUMBER -> ProtoField.LABEL;
                case Sample.TIMESTAMP_MS_FIELD_NUMBER -> ProtoField.TIMESTAMP;
                default -> ProtoField.UNKNOWN;
            };
            case EVENT -> switch (number) {
                case Event.ID_FIELD_NUMBER -> ProtoField.ID;
                case Event.FEATURES_FIELD_NUMBER -> ProtoField.FEATURES;
                case Event.TIMESTAMP_MS_FIELD_NUMBER -> ProtoField.TIMESTAMP;
                default -> ProtoField.UNKNOWN;
            };
            case LABEL -> switch (number) {
                case Label.EVENT_ID_FIELD_NUMBER -> ProtoField.ID;
                case Label.LABEL_FIELD_NUMBER -> ProtoField.LABEL;
                case Label.TIMESTAMP_MS_FIELD_NUMBER -> ProtoField.TIMESTAMP;
                default -> ProtoField.UNKNOWN;
            };
        };
        boolean typeMatches = switch (field) {
            case ID -> wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            case FEATURES -> wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED
                    || wireType == WireFormat.WIRETYPE_FIXED32;
            case LABEL, TIMESTAMP -> wireType == WireFormat.WIRETYPE_VARINT;
            case UNKNOWN -> false;
        };
        return typeMatches ? field : ProtoField.UNKNOWN;
    }
}
