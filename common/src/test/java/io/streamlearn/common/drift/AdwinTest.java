package io.streamlearn.common.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.drift.ErrorStreams.Figures;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Figures over 100 seeded streams each; DRIFT.md compares them with the published behaviour. */
class AdwinTest {
    @Test
    void shouldDetectRiseFrom0_2To0_8After39ValuesOnAverage() {
        Figures f = ErrorStreams.abrupt(Adwin::new, 0.2, 0.8, 1000, 2000, 100);

        assertThat(f.detected()).isEqualTo(100);
        assertThat(f.meanDelay()).isBetween(32.0, 45.0);
        assertThat(f.maxDelay()).isLessThanOrEqualTo(64);
        assertThat(f.falseAlarms()).isZero();
    }

    @Test
    void shouldDetectRiseFrom0_1To0_3After132ValuesOnAverage() {
        Figures f = ErrorStreams.abrupt(Adwin::new, 0.1, 0.3, 1000, 3000, 100);

        assertThat(f.detected()).isEqualTo(100);
        assertThat(f.meanDelay()).isBetween(100.0, 160.0);
        assertThat(f.falseAlarms()).isZero();
    }

    @Test
    void shouldDetectTheJumpOfRiversDocumentedExampleAtIndex1023() {
        Random random = new Random(12345);
        Adwin adwin = new Adwin();
        int detectedAt = -1;
        for (int i = 0; i < 2000 && detectedAt < 0; i++) {
            double value = i < 1000 ? random.nextInt(2) : 4 + random.nextInt(4);
            if (adwin.update(value) == DriftDetector.Signal.DRIFT) {
                detectedAt = i;
            }
        }
        assertThat(detectedAt).isEqualTo(1023);
    }

    @Test
    void shouldRaiseNoFalseAlarmIn100StreamsOf10000ValuesAtP0_1AndOneAtP0_2() {
        assertThat(ErrorStreams.abrupt(Adwin::new, 0.1, 0.1, 10_000, 10_000, 100).falseAlarms()).isZero();
        assertThat(ErrorStreams.abrupt(Adwin::new, 0.2, 0.2, 10_000, 10_000, 100).falseAlarms()).isLessThanOrEqualTo(1);
    }

    @Test
    void shouldShrinkItsWindowButStaySilentWhenTheErrorFalls() {
        Adwin adwin = new Adwin();
        Random random = new Random(3);
        int drifts = 0;
        for (int i = 0; i < 4000; i++) {
            if (adwin.update(random.nextDouble() < (i < 2000 ? 0.9 : 0.1) ? 1 : 0) == DriftDetector.Signal.DRIFT) {
                drifts++;
            }
        }
        assertThat(drifts).isZero();
        assertThat(adwin.width()).isLessThan(2100);
        assertThat(adwin.mean()).isBetween(0.05, 0.15);
    }

    @Test
    void shouldKeepExactWindowStatisticsWhileCompressing() {
        Adwin adwin = new Adwin();
        for (int i = 0; i < 1000; i++) {
            adwin.update(i % 4 == 0 ? 1 : 0);
        }
        assertThat(adwin.width()).isEqualTo(1000);
        assertThat(adwin.mean()).isEqualTo(0.25);
    }
}
