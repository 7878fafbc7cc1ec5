package io.streamlearn.trainer.learn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    @Test
    void shouldKeepAUniformSampleOfEverythingOffered() {
        int capacity = 100;
        int offered = 10_000;
        int[] keptPerThousand = new int[offered / 1000];
        for (int run = 0; run < 50; run++) {
            ReplayBuffer buffer = new ReplayBuffer(capacity, 1);
            SplitMix64 random = new SplitMix64(run);
            for (int i = 0; i < offered; i++) {
                buffer.offer(new float[] {i}, 0, i % 4, random);
            }
            assertThat(buffer.size()).isEqualTo(capacity);
            float[] out = new float[1];
            boolean[] seen = new boolean[offered];
            for (int d = 0; d < 2000; d++) {
                buffer.draw(random, out, 0);
                seen[(int) out[0]] = true;
            }
            for (int i = 0; i < offered; i++) {
                if (seen[i]) {
                    keptPerThousand[i / 1000]++;
                }
            }
        }
        // Each thousand of the stream should hold a tenth of the reservoir: 50 runs x 10 samples, within noise.
        for (int kept : keptPerThousand) {
            assertThat(kept).isBetween(350, 650);
        }
    }

    @Test
    void shouldDrawTheStoredFeaturesWithTheirLabelAndForgetThemWhenCleared() {
        ReplayBuffer buffer = new ReplayBuffer(4, 2);
        SplitMix64 random = new SplitMix64(1);
        buffer.offer(new float[] {9, 9, 3, 4}, 2, 2, random);

        float[] target = new float[3];
        assertThat(buffer.draw(random, target, 1)).isEqualTo(2);
        assertThat(target).containsExactly(0, 3, 4);

        buffer.clear();
        assertThat(buffer.size()).isZero();
    }
}
