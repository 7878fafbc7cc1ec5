package io.streamlearn.monitoring.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class WindowedConfusionTest {
    @Test
    void shouldComputeKappaOfTheTextbookExample() {
        // 2x2: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> p0 = 0.7, pe = 0.5, kappa = 0.4
        WindowedConfusion w = new WindowedConfusion(50, 2);
        add(w, 1, 1, 20);
        add(w, 1, 0, 5);
        add(w, 0, 1, 10);
        add(w, 0, 0, 15);

        assertThat(w.accuracy()).isCloseTo(0.7, offset(1e-12));
        assertThat(w.kappa()).isCloseTo(0.4, offset(1e-12));
        assertThat(w.recall(1)).isCloseTo(20.0 / 30, offset(1e-12));
        assertThat(w.predictedShare(1)).isCloseTo(0.5, offset(1e-12));
        assertThat(w.actualShare(1)).isCloseTo(0.6, offset(1e-12));
    }

    @Test
    void shouldForgetPairsOlderThanTheWindow() {
        WindowedConfusion w = new WindowedConfusion(3, 3);
        add(w, 0, 1, 3);
        add(w, 2, 2, 3);

        assertThat(w.count()).isEqualTo(3);
        assertThat(w.accuracy()).isEqualTo(1.0);
        assertThat(w.recall(1)).isNaN();
        assertThat(w.kappa()).isNaN();
    }

    @Test
    void shouldGiveZeroKappaToAClassifierThatAlwaysPredictsTheMajority() {
        WindowedConfusion w = new WindowedConfusion(100, 2);
        add(w, 0, 0, 90);
        add(w, 0, 1, 10);

        assertThat(w.accuracy()).isEqualTo(0.9);
        assertThat(w.kappa()).isCloseTo(0.0, offset(1e-12));
    }

    @Test
    void shouldWeighRecentOutcomesMostInTheFadingAccuracy() {
        FadingAccuracy f = new FadingAccuracy(0.9);
        for (int i = 0; i < 100; i++) {
            f.add(false);
        }
        for (int i = 0; i < 20; i++) {
            f.add(true);
        }
        // weight of the last 20: (1 - 0.9^20) of the total when the series is long
        assertThat(f.accuracy()).isCloseTo(1 - Math.pow(0.9, 20), offset(1e-3));
    }

    private static void add(WindowedConfusion w, int predicted, int actual, int times) {
        for (int i = 0; i < times; i++) {
            w.add(predicted, actual);
        }
    }
}
