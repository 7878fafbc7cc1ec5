package io.streamlearn.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void shouldGiveMedianAndSpreadOfRepetitions() {
        Stats s = Stats.of(30, 10, 20);
        assertThat(s.median()).isEqualTo(20);
        assertThat(s.min()).isEqualTo(10);
        assertThat(s.max()).isEqualTo(30);
        assertThat(Stats.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void shouldTakeNearestRankQuantiles() {
        double[] data = new double[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = data.length - i; // 1000 .. 1, unsorted
        }
        assertThat(Stats.quantile(data.clone(), 0.5)).isEqualTo(500);
        assertThat(Stats.quantile(data.clone(), 0.99)).isEqualTo(990);
        assertThat(Stats.quantile(data.clone(), 0.999)).isEqualTo(999);
        assertThat(Stats.quantile(new double[0], 0.5)).isNaN();
    }

    @Test
    void shouldRefuseAnEmptyMeasurement() {
        assertThatThrownBy(Stats::of).isInstanceOf(IllegalArgumentException.class);
    }
}
