package io.streamlearn.common.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The local run's requirement on synthetic learners: the error falls from 0.9 to 0.07 (time constant 300 or 2000
 * values), the labels are permuted at 30,000 (error back to 0.9). A detector must flag the permutation within 500
 * values and never fire after the first 5,000. Page-Hinkley is the default because it alone met both on every stream.
 */
class LearningCurveTest {
    private static final int CHANGE = 30_000;

    @Test
    void pageHinkleyShouldFlagEveryPermutationWithin82ValuesAndNeverFireBefore() {
        Outcome o = run(PageHinkley::new);

        assertThat(o.falseAlarms).isZero();
        assertThat(o.detected).isEqualTo(100);
        assertThat(o.maxDelay).isLessThanOrEqualTo(100);
    }

    @Test
    void adwinShouldFlagEveryPermutationWithin48ValuesWithOneFalseAlarmIn100Curves() {
        Outcome o = run(Adwin::new);

        assertThat(o.falseAlarms).isLessThanOrEqualTo(2);
        assertThat(o.detected).isEqualTo(100);
        assertThat(o.maxDelay).isLessThanOrEqualTo(64);
    }

    @Test
    void ddmShouldFlagEveryPermutationWithin174ValuesAndNeverFireBefore() {
        Outcome o = run(Ddm::new);

        assertThat(o.falseAlarms).isZero();
        assertThat(o.detected).isEqualTo(100);
        assertThat(o.maxDelay).isLessThanOrEqualTo(200);
    }

    private record Outcome(int falseAlarms, int detected, int maxDelay) {
    }

    private static Outcome run(Supplier<DriftDetector> detectors) {
        int falseAlarms = 0;
        int detected = 0;
        int maxDelay = 0;
        for (double tau : new double[] {300, 2000}) {
            for (int seed = 1; seed <= 50; seed++) {
                List<Integer> at = ErrorStreams.learningCurve(detectors.get(), 0.9, 0.07, tau, CHANGE, CHANGE + 1000, seed);
                falseAlarms += (int) at.stream().filter(i -> i >= 5000 && i < CHANGE).count();
                var first = at.stream().filter(i -> i >= CHANGE).findFirst();
                if (first.isPresent()) {
                    detected++;
                    maxDelay = Math.max(maxDelay, first.get() - CHANGE + 1);
                }
            }
        }
        return new Outcome(falseAlarms, detected, maxDelay);
    }
}
