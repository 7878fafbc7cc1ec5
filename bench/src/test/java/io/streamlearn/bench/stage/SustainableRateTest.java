package io.streamlearn.bench.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SustainableRateTest {

    @Test
    void shouldFitTheSlopeOfALatencyThatGrowsWithABacklog() {
        SustainableRate.Slope slope = new SustainableRate.Slope();
        for (int i = 0; i < 100_000; i++) {
            double sent = 2 + i * 5e-5;
            slope.add(sent, 0.003 + 0.05 * (sent - 2) + (i % 7) * 1e-4);
        }
        assertThat(slope.value()).isCloseTo(0.05, within(1e-3));
    }

    @Test
    void shouldFitNoSlopeToAFlatLatencyWithPauses() {
        SustainableRate.Slope slope = new SustainableRate.Slope();
        for (int i = 0; i < 100_000; i++) {
            double sent = 2 + i * 5e-5;
            slope.add(sent, i % 5_000 < 100 ? 0.020 : 0.003);
        }
        assertThat(slope.value()).isLessThan(SustainableRate.MAX_SLOPE / 10);
    }

    @Test
    void shouldNotFitASlopeToOnePoint() {
        SustainableRate.Slope slope = new SustainableRate.Slope();
        slope.add(1, 1);
        assertThat(slope.value()).isInfinite();
    }

    @Test
    void shouldSustainOnlyOnScheduleWithoutLossAndWithoutGrowingLatency() {
        assertThat(new SustainableRate.Probe(10_000, 1.0, 0, 0.001).sustained()).isTrue();
        assertThat(new SustainableRate.Probe(10_000, 0.95, 0, 0.001).sustained()).isFalse();
        assertThat(new SustainableRate.Probe(10_000, 1.0, 3, 0.001).sustained()).isFalse();
        assertThat(new SustainableRate.Probe(10_000, 1.0, 0, 0.05).sustained()).isFalse();
    }
}
