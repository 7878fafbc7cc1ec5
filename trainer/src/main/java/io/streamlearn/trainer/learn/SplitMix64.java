package io.streamlearn.trainer.learn;

/**
 * SplitMix64: a small seeded random generator whose whole state is one long, so that a checkpoint can save it and
 * a restored learner draws exactly the same replay samples as the one that crashed.
 */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        state = seed;
    }

    long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in [0, bound), without modulo bias. */
    long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
        long r;
        do {
            r = nextLong() >>> 1;
        } while (r >= limit);
        return r % bound;
    }

    int nextInt(int bound) {
        return (int) nextLong(bound);
    }

    long state() {
        return state;
    }

    void restore(long saved) {
        state = saved;
    }

    /** The SplitMix64 finalizer: a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
