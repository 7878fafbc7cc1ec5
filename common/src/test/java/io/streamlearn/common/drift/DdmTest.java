package io.streamlearn.common.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.drift.ErrorStreams.Figures;
import org.junit.jupiter.api.Test;

/** Figures over 100 seeded streams each; DRIFT.md compares them with the published behaviour. */
class DdmTest {
    @Test
    void shouldDetectRiseFrom0_2To0_8After65ValuesOnAverageWith35EarlierFalseAlarms() {
        Figures f = ErrorStreams.abrupt(Ddm::new, 0.2, 0.8, 1000, 2000, 100);

        assertThat(f.detected()).isEqualTo(100);
        assertThat(f.meanDelay()).isBetween(50.0, 80.0);
        assertThat(f.falseAlarms()).isBetween(20, 50);
    }

    @Test
    void shouldDetectRiseFrom0_1To0_3After139ValuesOnAverage() {
        Figures f = ErrorStreams.abrupt(Ddm::new, 0.1, 0.3, 1000, 3000, 100);

        assertThat(f.detected()).isGreaterThanOrEqualTo(98);
        assertThat(f.meanDelay()).isBetween(110.0, 170.0);
    }

    @Test
    void shouldNeedAbout410ValuesForRiversDocumentedRiseFrom0_5To0_7() {
        Figures f = ErrorStreams.abrupt(Ddm::new, 0.5, 0.7, 1000, 3000, 100);

        assertThat(f.detected()).isGreaterThanOrEqualTo(95);
        assertThat(f.meanDelay()).isBetween(330.0, 490.0);
    }

    @Test
    void shouldRaiseAboutOneFalseAlarmPer10000ValuesAtP0_1() {
        Figures f = ErrorStreams.abrupt(Ddm::new, 0.1, 0.1, 10_000, 10_000, 100);

        assertThat(f.falseAlarms()).isBetween(70, 130);
    }

    @Test
    void shouldWarnBeforeSignallingDrift() {
        Ddm ddm = new Ddm();
        for (int i = 0; i < 1000; i++) {
            ddm.update(i % 10 == 0 ? 1 : 0);
        }
        DriftDetector.Signal signal = DriftDetector.Signal.NONE;
        int errors = 0;
        while (signal == DriftDetector.Signal.NONE) {
            signal = ddm.update(1);
            errors++;
        }
        assertThat(signal).isEqualTo(DriftDetector.Signal.WARNING);
        while (signal != DriftDetector.Signal.DRIFT) {
            signal = ddm.update(1);
            errors++;
        }
        assertThat(errors).isBetween(5, 60);
        assertThat(ddm.statistic()).isGreaterThan(3);
    }

    @Test
    void shouldNotTakeTheFirstErrorAfterAnErrorFreeStartForADrift() {
        Ddm ddm = new Ddm();
        for (int i = 0; i < 100; i++) {
            ddm.update(0);
        }
        assertThat(ddm.update(1)).isEqualTo(DriftDetector.Signal.NONE);
    }

    @Test
    void shouldStaySilentWhenTheErrorFalls() {
        assertThat(ErrorStreams.abrupt(Ddm::new, 0.9, 0.1, 1000, 10_000, 100).detected()).isZero();
    }
}
