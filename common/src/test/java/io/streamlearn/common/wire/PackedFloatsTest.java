package io.streamlearn.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PackedFloatsTest {
    private static final int FEATURES = 2;
    private static final float[] NONE = new float[0];

    @Test
    void shouldCopyARunAfterOtherFieldsBitForBit() throws IOException {
        float[] run = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        Wire wire = new Wire();
        wire.out.writeString(1, "id-before-the-run");
        wire.run(run);
        byte[] bytes = wire.bytes();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.skipField(in.readTag());

        float[] values = appendRun(in, bytes, NONE, 0);

        assertThat(values).containsExactly(run);
        assertThat(Float.floatToRawIntBits(values[1])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(in.isAtEnd()).isTrue();
    }

    @Test
    void shouldSizeTheArrayExactlyForOneRunIntoAnEmptyOne() throws IOException {
        Wire wire = new Wire();
        wire.run(new float[784]);
        byte[] bytes = wire.bytes();

        // so a reader that trims to the count keeps it as it is
        assertThat(appendRun(CodedInputStream.newInstance(bytes), bytes, NONE, 0)).hasSize(784);
    }

    @Test
    void shouldAcceptAZeroLengthRunKeepingTheArrayAndTheNextField() throws IOException {
        Wire wire = new Wire();
        wire.run(new float[0]);
        wire.out.writeInt32(3, 7);
        byte[] bytes = wire.bytes();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.readTag();

        assertThat(PackedFloats.readRunCount(in)).isZero();
        assertThat(PackedFloats.appendRun(in, bytes, 0, NONE, 0)).isSameAs(NONE);
        int next = in.readTag();
        assertThat(WireFormat.getTagFieldNumber(next)).isEqualTo(3);
        assertThat(in.readInt32()).isEqualTo(7);
    }

    @Test
    void shouldRejectARunThatIsNotAWholeNumberOfFloats() throws IOException {
        for (int bytes : new int[] {1, 3, 6, 4_001}) {
            Wire wire = new Wire();
            wire.runHeader(bytes);
            wire.out.write(new byte[bytes], 0, bytes);
            CodedInputStream in = CodedInputStream.newInstance(wire.bytes());
            in.readTag();

            assertThatThrownBy(() -> PackedFloats.readRunCount(in)).as("%d bytes", bytes)
                    .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("whole number");
        }
    }

    @Test
    void shouldRejectARunLongerThanTheRemainingInputBeforeGrowingForIt() throws IOException {
        for (int bytes : new int[] {8, Integer.MAX_VALUE - 3, -4}) { // -4: a negative length, as a 10-byte varint
            Wire wire = new Wire();
            wire.runHeader(bytes);
            wire.out.writeFloatNoTag(1f);
            byte[] source = wire.bytes();
            CodedInputStream in = CodedInputStream.newInstance(source);
            in.readTag();
            int floats = PackedFloats.readRunCount(in);

            assertThatThrownBy(() -> PackedFloats.appendRun(in, source, floats, NONE, 0))
                    .as("%d bytes", bytes).isInstanceOf(InvalidProtocolBufferException.class);
        }
    }

    @Test
    void shouldAppendSplitRunsAndUnpackedElementsInWireOrder() throws IOException {
        Wire wire = new Wire();
        wire.run(new float[] {1, 2, 3});
        wire.out.writeFloat(FEATURES, 4);
        wire.run(new float[] {5, 6});
        wire.out.writeFloat(FEATURES, 7);
        wire.out.writeFloat(FEATURES, 8);
        wire.run(new float[] {9, 10, 11, 12});
        byte[] bytes = wire.bytes();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        float[] values = NONE;
        int count = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED32) {
                values = PackedFloats.appendOne(in, values, count);
                count++;
            } else {
                int floats = PackedFloats.readRunCount(in);
                values = PackedFloats.appendRun(in, bytes, floats, values, count);
                count += floats;
            }
        }

        assertThat(count).isEqualTo(12);
        assertThat(Arrays.copyOf(values, count)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test
    void shouldRejectAnUnpackedElementCutShort() throws IOException {
        Wire wire = new Wire();
        wire.out.writeTag(FEATURES, WireFormat.WIRETYPE_FIXED32);
        wire.out.write(new byte[3], 0, 3);
        CodedInputStream in = CodedInputStream.newInstance(wire.bytes());
        in.readTag();

        assertThatThrownBy(() -> PackedFloats.appendOne(in, NONE, 0))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void shouldCopyOnlyWhatFitsAndNothingOnceTheTargetIsFull() throws IOException {
        Wire wire = new Wire();
        for (float v : new float[] {1, 2, 3}) {
            wire.out.writeFloatNoTag(v);
        }
        byte[] source = wire.bytes();
        float[] target = new float[4];

        assertThat(PackedFloats.copyFitting(source, 0, 3, target, 2)).isEqualTo(2);
        assertThat(target).containsExactly(0, 0, 1, 2);
        assertThat(PackedFloats.copyFitting(source, 0, 3, target, 4)).isZero();
        assertThat(PackedFloats.copyFitting(source, 0, 3, target, 6)).isZero(); // a run after the target is full
        assertThat(PackedFloats.copyFitting(source, 4, 2, target, 0)).isEqualTo(2);
        assertThat(target).containsExactly(2, 3, 1, 2);
    }

    private static float[] appendRun(CodedInputStream in, byte[] source, float[] values, int count)
            throws IOException {
        in.readTag();
        return PackedFloats.appendRun(in, source, PackedFloats.readRunCount(in), values, count);
    }

    /** Wire bytes written with protobuf's own encoder. */
    private static final class Wire {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        void run(float[] values) throws IOException {
            runHeader(values.length * Float.BYTES);
            for (float v : values) {
                out.writeFloatNoTag(v);
            }
        }

        void runHeader(int bytes) throws IOException {
            out.writeTag(FEATURES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeInt32NoTag(bytes); // int32, so a negative length takes the 10 bytes protobuf would read
        }

        byte[] bytes() throws IOException {
            out.flush();
            return bytes.toByteArray();
        }
    }
}
