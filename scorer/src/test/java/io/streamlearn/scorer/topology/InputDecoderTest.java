package io.streamlearn.scorer.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.ProtoSerde;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.scorer.topology.InputKind.Input;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Differential: the hand decoder against protobuf's generated parsers on valid, odd and mutated wire bytes. */
class InputDecoderTest {
    private static final ProtoSerde<Event> EVENTS = ProtoSerde.of(Event.parser());
    private static final ProtoSerde<Sample> SAMPLES = ProtoSerde.of(Sample.parser());
    private static final int CASES = 5_000;

    @Test
    void shouldReadWhatTheGeneratedParserReadsAndRejectWhatItRejects() throws IOException {
        Random random = new Random(42);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            boolean sample = random.nextBoolean();
            byte[] bytes = mutate(encode(random, sample), random);
            Input expected = generated(bytes, sample);
            if (expected == null) {
                assertThatThrownBy(() -> decode(bytes, sample)).as("case %d: %s", i, Arrays.toString(bytes))
                        .isInstanceOf(InvalidProtocolBufferException.class);
                rejected++;
            } else {
                Input actual = decode(bytes, sample);
                assertThat(actual.id()).as("case %d", i).isEqualTo(expected.id());
                assertThat(actual.features()).as("case %d", i).containsExactly(expected.features());
                assertThat(actual.hasLabel()).isEqualTo(expected.hasLabel());
                assertThat(actual.label()).as("case %d", i).isEqualTo(expected.label());
                accepted++;
            }
        }
        assertThat(accepted).as("valid cases").isGreaterThan(CASES / 4);
        assertThat(rejected).as("invalid cases").isGreaterThan(CASES / 10);
    }

    @Test
    void shouldRejectAnEmptyValueAsTheSerdeDoes() {
        assertThatThrownBy(() -> decode(new byte[0], false)).isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> decode(null, true)).isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void shouldRejectAPackedRunLongerThanTheRecordWithoutAllocatingIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeTag(2, 2);
        coded.writeUInt32NoTag(Integer.MAX_VALUE - 3);
        coded.flush();

        assertThatThrownBy(() -> decode(out.toByteArray(), false))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    private static Input decode(byte[] bytes, boolean sample) throws InvalidProtocolBufferException {
        return InputDecoder.decode(bytes, sample, new float[0]);
    }

    private static Input generated(byte[] bytes, boolean sample) {
        try {
            if (sample) {
                Sample s = SAMPLES.decode(bytes);
                return new Input(s.getId(), floats(s.getFeaturesList()), true, s.getLabel());
            }
            Event e = EVENTS.decode(bytes);
            return new Input(e.getId(), floats(e.getFeaturesList()), false, 0);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static float[] floats(java.util.List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** A record in any of the encodings protobuf accepts: fields in any order, packed or not, runs split, extras. */
    private static byte[] encode(Random random, boolean sample) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        int fields = 1 + random.nextInt(6);
        for (int f = 0; f < fields; f++) {
            switch (random.nextInt(7)) {
                case 0 -> out.writeString(1, random.nextBoolean() ? "e-" + random.nextInt(1000) : "é\u4e2d" + f);
                case 1, 2 -> {
                    int n = random.nextInt(12);
                    out.writeTag(2, 2);
                    out.writeUInt32NoTag(n * 4);
                    for (int i = 0; i < n; i++) {
                        out.writeFloatNoTag(random.nextFloat() * 10 - 5);
                    }
                }
                case 3 -> out.writeFloat(2, random.nextFloat());
                case 4 -> out.writeInt32(3, random.nextInt(20) - 5);
                case 5 -> out.writeInt64(sample ? 4 : 3, random.nextLong());
                default -> {
                    int field = 5 + random.nextInt(4);
                    switch (random.nextInt(4)) {
                        case 0 -> out.writeInt64(field, random.nextLong());
                        case 1 -> out.writeFixed32(field, random.nextInt());
                        case 2 -> out.writeFixed64(1 + random.nextInt(3), random.nextLong());
                        default -> out.writeString(field, "x");
                    }
                }
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** Leaves a third intact; else flips, truncates or inserts bytes. */
    private static byte[] mutate(byte[] bytes, Random random) {
        int kind = random.nextInt(6);
        if (kind < 2 || bytes.length == 0) {
            return bytes;
        }
        byte[] out = bytes.clone();
        switch (kind) {
            case 2, 3 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 4 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            default -> {
                out = Arrays.copyOf(out, out.length + 1);
                int at = random.nextInt(out.length);
                System.arraycopy(out, at, out, at + 1, out.length - at - 1);
                out[at] = (byte) random.nextInt(256);
            }
        }
        return out;
    }
}
