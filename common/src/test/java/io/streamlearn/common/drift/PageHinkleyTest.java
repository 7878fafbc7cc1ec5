package io.streamlearn.common.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.drift.ErrorStreams.Figures;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Figures over 100 seeded streams each; DRIFT.md compares them with the published behaviour. */
class PageHinkleyTest {
    @Test
    void shouldDetectRiseFrom0_2To0_8After75ValuesOnAverage() {
        Figures f = ErrorStreams.abrupt(PageHinkley::new, 0.2, 0.8, 1000, 2000, 100);

        assertThat(f.detected()).isEqualTo(100);
        assertThat(f.meanDelay()).isBetween(65.0, 85.0);
        assertThat(f.maxDelay()).isLessThan(120);
        assertThat(f.falseAlarms()).isZero();
    }

    @Test
    void shouldDetectRiseFrom0_1To0_3After268ValuesOnAverage() {
        Figures f = ErrorStreams.abrupt(PageHinkley::new, 0.1, 0.3, 1000, 3000, 100);

        assertThat(f.detected()).isEqualTo(100);
        assertThat(f.meanDelay()).isBetween(230.0, 300.0);
        assertThat(f.falseAlarms()).isZero();
    }

    @Test
    void shouldDetectTheJumpOfRiversDocumentedExampleWithinTenValues() {
        Random random = new Random(12345);
        PageHinkley ph = new PageHinkley();
        int detectedAt = -1;
        for (int i = 0; i < 2000 && detectedAt < 0; i++) {
            double value = i < 1000 ? random.nextInt(2) : 4 + random.nextInt(4);
            if (ph.update(value) == DriftDetector.Signal.DRIFT) {
                detectedAt = i;
            }
        }
        assertThat(detectedAt).isBetween(1000, 1010);
    }

    @Test
    void shouldRaiseNoFalseAlarmIn100StreamsOf10000ValuesAtP0_1AndFiveAtP0_2() {
        assertThat(ErrorStreams.abrupt(PageHinkley::new, 0.1, 0.1, 10_000, 10_000, 100).falseAlarms()).isZero();
        assertThat(ErrorStreams.abrupt(PageHinkley::new, 0.2, 0.2, 10_000, 10_000, 100).falseAlarms()).isBetween(1, 10);
    }

    @Test
    void shouldStaySilentWhenTheErrorFalls() {
        assertThat(ErrorStreams.abrupt(PageHinkley::new, 0.9, 0.07, 1000, 10_000, 100).detected()).isZero();
    }

    @Test
    void shouldRejectAForgettingFactorAboveOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PageHinkley(30, 0.005, 50, 1.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
    }
}
