package io.streamlearn.trainer.learn;

import com.google.protobuf.ByteString;

/**
 * Order-independent digest of a multiset of sample ids: the sum (mod 2^64) of a 64-bit hash per id. Every
 * snapshot carries the digest of the samples its model learned, so that a reader who knows which ids lie below
 * the snapshot's offsets can prove that each was learned exactly once (a duplicate or a gap changes the sum).
 */
public final class SampleDigest {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SampleDigest() {
    }

    /** The hash of one id (FNV-1a over its UTF-8 bytes, then mixed so that the sum spreads over all bits). */
    public static long of(ByteString idUtf8) {
        long h = FNV_OFFSET;
        for (int i = 0; i < idUtf8.size(); i++) {
            h = (h ^ (idUtf8.byteAt(i) & 0xff)) * FNV_PRIME;
        }
        return SplitMix64.mix(h);
    }

    public static long of(String id) {
        return of(ByteString.copyFromUtf8(id));
    }

    /** The digest as it appears in a snapshot's metadata: 16 lower-case hex digits. */
    public static String format(long digest) {
        return String.format("%016x", digest);
    }
}
