package io.streamlearn.trainer.learn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowAccuracyTest {
    @Test
    void shouldCountOnlyTheLastOutcomes() {
        WindowAccuracy window = new WindowAccuracy(4);
        assertThat(window.ratio()).isZero();

        window.add(true);
        window.add(false);
        assertThat(window.ratio()).isEqualTo(0.5);

        window.add(true);
        window.add(true);
        window.add(true); // evicts the first hit
        window.add(true); // evicts the miss
        assertThat(window.ratio()).isEqualTo(1.0);

        for (int i = 0; i < 3; i++) {
            window.add(false);
        }
        assertThat(window.ratio()).isEqualTo(0.25);
    }
}
