package io.streamlearn.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written protobuf reader against protobuf-java itself: on valid and randomly damaged bodies it must
 * accept exactly what protobuf-java decodes into valid records, and its output must decode to the same records.
 */
class ProtobufRecordsDifferentialTest {
    private static final int INPUT_SIZE = 3;
    private static final int CLASSES = 4;
    private static final long NOW = 1_700_000_000_000L;
    private static final int CASES = Integer.getInteger("ingest.fuzz.cases", 20_000);
    private final RequestParser parser = new RequestParser(INPUT_SIZE, CLASSES, 100, () -> NOW);

    @Test
    void shouldAgreeWithProtobufJavaOnValidAndDamagedBodies() throws Exception {
        long seed = Long.getLong("ingest.fuzz.seed", System.nanoTime());
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            Random rnd = new Random(seed * 31 + i);
            RecordKind kind = RecordKind.values()[rnd.nextInt(3)];
            byte[] body = body(rnd, kind);
            int mutations = rnd.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                body = mutate(rnd, body);
            }
            List<Message> expected = reference(kind, body);
            List<EncodedRecord> actual;
            try {
                actual = parser.encoded(kind, BodyFormat.PROTOBUF, body);
            } catch (InvalidRequestException e) {
                assertThat(expected).as("seed %d case %d (%s body %s): rejected (%s) but protobuf-java reads valid "
                        + "records", seed, i, kind, HexFormat.of().formatHex(body), e.getMessage()).isNull();
                continue;
            }
            assertThat(expected).as("seed %d case %d (%s body %s): accepted what protobuf-java rejects", seed, i,
                    kind, HexFormat.of().formatHex(body)).isNotNull();
            assertThat(actual).as("seed %d case %d", seed, i).hasSameSizeAs(expected);
            for (int j = 0; j < actual.size(); j++) {
                Message got = parser(kind).parseFrom(actual.get(j).value());
                assertThat(normalize(got)).as("seed %d case %d record %d", seed, i, j)
                        .isEqualTo(normalize(expected.get(j)));
            }
            accepted++;
        }
        assertThat(accepted).as("enough valid bodies among the cases").isGreaterThan(CASES / 10);
    }

    private static Parser<? extends Message> parser(RecordKind kind) {
        return switch (kind) {
            case SAMPLE -> Sample.parser();
            case EVENT -> Event.parser();
            case LABEL -> Label.parser();
        };
    }

    /**
     * What protobuf-java reads and our rules accept, or null when the body must be rejected. Each message must
     * have all the bytes its size announces (parseDelimitedFrom alone takes a cut-off last message if the cut
     * falls between fields).
     */
    private static List<Message> reference(RecordKind kind, byte[] body) throws IOException {
        if (body.length == 0) {
            return null;
        }
        List<Message> out = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(body);
        try {
            while (!in.isAtEnd()) {
                int size = in.readRawVarint32();
                int offset = in.getTotalBytesRead();
                if (size < 0 || size > body.length - offset) {
                    return null;
                }
                Message m = parser(kind).parseFrom(body, offset, size);
                if (!m.equals(parser(kind).parseFrom(new ByteArrayInputStream(body, offset, size)))) {
                    return null; // protobuf-java's array and stream decoders disagree: an over-long varint
                }
                in.skipRawBytes(size);
                if (!valid(m)) {
                    return null;
                }
                out.add(m);
            }
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
        return out.size() <= 100 ? out : null;
    }

    private static boolean valid(Message m) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            return false;
        }
        if (m instanceof Sample s) {
            return features(s.getFeaturesList()) && s.getLabel() >= 0 && s.getLabel() < CLASSES && id(s.getId(), true)
                    && s.getTimestampMs() >= 0;
        }
        if (m instanceof Event e) {
            return features(e.getFeaturesList()) && id(e.getId(), true) && e.getTimestampMs() >= 0;
        }
        Label l = (Label) m;
        return l.getLabel() >= 0 && l.getLabel() < CLASSES && id(l.getEventId(), false) && l.getTimestampMs() >= 0;
    }

    private static boolean features(List<Float> features) {
        return features.size() == INPUT_SIZE && features.stream().allMatch(Float::isFinite);
    }

    private static boolean id(String id, boolean optional) {
        return id.isEmpty() ? optional : !id.isBlank() && id.length() <= RequestParser.MAX_ID_LENGTH;
    }

    /** Generated ids and arrival times are not compared. */
    private static Message normalize(Message m) {
        if (m instanceof Sample s) {
            return s.toBuilder().setId(s.getId().length() == 36 && s.getId().charAt(8) == '-' ? "" : s.getId())
                    .setTimestampMs(s.getTimestampMs() == NOW ? 0 : s.getTimestampMs()).build();
        }
        if (m instanceof Event e) {
            return e.toBuilder().setId(e.getId().length() == 36 && e.getId().charAt(8) == '-' ? "" : e.getId())
                    .setTimestampMs(e.getTimestampMs() == NOW ? 0 : e.getTimestampMs()).build();
        }
        Label l = (Label) m;
        return l.toBuilder().setTimestampMs(l.getTimestampMs() == NOW ? 0 : l.getTimestampMs()).build();
    }

    private static byte[] body(Random rnd, RecordKind kind) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            String id = rnd.nextInt(4) == 0 ? "" : rnd.nextInt(10) == 0 ? "é-" + rnd.nextInt(100) : "r" + rnd.nextInt();
            long ts = rnd.nextBoolean() ? 0 : rnd.nextInt(10) == 0 ? -rnd.nextInt(1000) : NOW - rnd.nextInt(1000);
            int label = rnd.nextInt(10) == 0 ? CLASSES + rnd.nextInt(3) : rnd.nextInt(CLASSES);
            int count = rnd.nextInt(10) == 0 ? rnd.nextInt(5) : INPUT_SIZE;
            List<Float> f = new ArrayList<>();
            for (int j = 0; j < count; j++) {
                f.add(rnd.nextInt(50) == 0 ? Float.NaN : (float) rnd.nextGaussian());
            }
            Message m = switch (kind) {
                case SAMPLE -> Sample.newBuilder().setId(id).addAllFeatures(f).setLabel(label).setTimestampMs(ts).build();
                case EVENT -> Event.newBuilder().setId(id).addAllFeatures(f).setTimestampMs(ts).build();
                case LABEL -> Label.newBuilder().setEventId(id).setLabel(label).setTimestampMs(ts).build();
            };
            m.writeDelimitedTo(out);
        }
        return out.toByteArray();
    }

    private static byte[] mutate(Random rnd, byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
        }
        int at = rnd.nextInt(in.length);
        byte[] out;
        switch (rnd.nextInt(5)) {
            case 0 -> {
                out = in.clone();
                out[at] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> {
                out = in.clone();
                out[at] = (byte) rnd.nextInt(256);
            }
            case 2 -> out = Arrays.copyOf(in, at);
            case 3 -> {
                int len = rnd.nextInt(Math.min(8, in.length - at) + 1);
                out = new byte[in.length - len];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, at + len, out, at, in.length - at - len);
            }
            default -> {
                byte[] insert = new byte[1 + rnd.nextInt(4)];
                rnd.nextBytes(insert);
                out = new byte[in.length + insert.length];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(insert, 0, out, at, insert.length);
                System.arraycopy(in, at, out, at + insert.length, in.length - at);
            }
        }
        return out;
    }
}
