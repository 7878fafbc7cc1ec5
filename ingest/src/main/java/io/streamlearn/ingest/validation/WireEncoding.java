package io.streamlearn.ingest.validation;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Sample;
import java.io.IOException;

/**
 * Writes {@code Sample} and {@code Event} messages straight from a record's fields, byte for byte what
 * {@code toByteArray()} of the built message gives (fields in number order, defaults left out, features packed),
 * without copying 784 features into a message builder first.
 */
final class WireEncoding {
    /** Id and features have the same numbers in both messages, so one writer serves both. */
    private static final int ID = Sample.ID_FIELD_NUMBER;
    private static final int FEATURES = Sample.FEATURES_FIELD_NUMBER;
    private static final int LABEL = Sample.LABEL_FIELD_NUMBER;
    private static final int SAMPLE_TIMESTAMP = Sample.TIMESTAMP_MS_FIELD_NUMBER;
    private static final int EVENT_TIMESTAMP = Event.TIMESTAMP_MS_FIELD_NUMBER;

    private WireEncoding() {
    }

    /** Sample {1 id, 2 features, 3 label, 4 timestamp_ms}. */
    static byte[] sample(String id, float[] features, int label, long timestampMs) {
        int size = stringSize(id) + featuresSize(features)
                + (label == 0 ? 0 : CodedOutputStream.computeInt32Size(LABEL, label))
                + (timestampMs == 0 ? 0 : CodedOutputStream.computeInt64Size(SAMPLE_TIMESTAMP, timestampMs));
        byte[] out = new byte[size];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            writeIdAndFeatures(o, id, features);
            if (label != 0) {
                o.writeInt32(LABEL, label);
            }
            if (timestampMs != 0) {
                o.writeInt64(SAMPLE_TIMESTAMP, timestampMs);
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("sized a Sample encoding wrongly", e);
        }
        return out;
    }

    /** Event {1 id, 2 features, 3 timestamp_ms}. */
    static byte[] event(String id, float[] features, long timestampMs) {
        int size = stringSize(id) + featuresSize(features)
                + (timestampMs == 0 ? 0 : CodedOutputStream.computeInt64Size(EVENT_TIMESTAMP, timestampMs));
        byte[] out = new byte[size];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            writeIdAndFeatures(o, id, features);
            if (timestampMs != 0) {
                o.writeInt64(EVENT_TIMESTAMP, timestampMs);
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("sized an Event encoding wrongly", e);
        }
        return out;
    }

    private static int stringSize(String id) {
        return id.isEmpty() ? 0 : CodedOutputStream.computeStringSize(ID, id);
    }

    private static int featuresSize(float[] features) {
        if (features.length == 0) {
            return 0;
        }
        int bytes = 4 * features.length;
        return CodedOutputStream.computeTagSize(FEATURES) + CodedOutputStream.computeUInt32SizeNoTag(bytes) + bytes;
    }

    private static void writeIdAndFeatures(CodedOutputStream o, String id, float[] features) throws IOException {
        if (!id.isEmpty()) {
            o.writeString(ID, id);
        }
        if (features.length > 0) {
            o.writeTag(FEATURES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(4 * features.length);
            for (float f : features) {
                o.writeFloatNoTag(f);
            }
        }
    }
}
