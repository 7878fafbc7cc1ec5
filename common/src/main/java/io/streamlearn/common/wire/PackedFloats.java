package io.streamlearn.common.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Copies the values of a {@code repeated float} field straight from a record's wire bytes into a {@code float[]} in
 * one bulk copy per packed run, where protobuf's generated parsers append them one by one to a list: a feature field
 * arrives as any mix of packed runs (a byte length, then little-endian fixed32 values) and single fixed32 elements.
 * The {@link CodedInputStream} methods append one run or element after its tag, growing the array as needed, and
 * reject what the generated parsers reject (a run that is not a whole number of floats or that runs past the input)
 * before allocating for it; they read the run from the stream's source array, so the stream must read that array
 * from its first byte. {@link #copyFitting} is the bulk copy alone, for readers that keep their own cursor and bounds.
 */
public final class PackedFloats {
    private PackedFloats() {
    }

    /** Reads a packed run's byte length, which {@code in} is positioned at, and returns how many floats follow. */
    public static int readRunCount(CodedInputStream in) throws IOException {
        int bytes = in.readRawVarint32();
        if (bytes % Float.BYTES != 0) {
            throw new InvalidProtocolBufferException("packed floats of " + bytes
                    + " bytes, not a whole number of floats");
        }
        return bytes / Float.BYTES;
    }

    /**
     * Appends the run of {@code floats} values (as {@link #readRunCount} returned) that {@code in} is positioned at
     * to the {@code count} values of {@code values}, and returns the array now holding them, grown when needed.
     * {@code source} is the array {@code in} reads.
     */
    public static float[] appendRun(CodedInputStream in, byte[] source, int floats, float[] values, int count)
            throws IOException {
        int at = in.getTotalBytesRead();
        in.skipRawBytes(floats * Float.BYTES); // before growing: it checks the run against the input
        float[] out = grow(values, count + floats);
        copyFitting(source, at, floats, out, count);
        return out;
    }

    /** Appends one unpacked fixed32 value to the {@code count} values of {@code values}; see {@link #appendRun}. */
    public static float[] appendOne(CodedInputStream in, float[] values, int count) throws IOException {
        float[] out = grow(values, count + 1);
        out[count] = in.readFloat();
        return out;
    }

    /**
     * Copies the little-endian floats at {@code offset} of {@code source} into {@code target} from index
     * {@code at}, as many of {@code floats} as fit, and returns how many that was: none when {@code at} is already
     * past the end. The caller has checked that the run lies within {@code source}.
     */
    public static int copyFitting(byte[] source, int offset, int floats, float[] target, int at) {
        int fit = Math.max(0, Math.min(floats, target.length - at));
        if (fit > 0) { // get() refuses an index past the target even for no values: a run after it is full
            ByteBuffer.wrap(source, offset, fit * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(target, at, fit);
        }
        return fit;
    }

    /** Doubles the array (so split runs and unpacked elements copy in amortised constant time), or fits it exactly. */
    private static float[] grow(float[] values, int needed) {
        return needed <= values.length ? values
                : Arrays.copyOf(values, Math.max(needed, values.length == 0 ? 0 : values.length * 2));
    }
}
