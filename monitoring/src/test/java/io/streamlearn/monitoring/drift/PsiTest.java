package io.streamlearn.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PsiTest {
    @Test
    void shouldBeZeroForIdenticalHistogramsAndMatchTheFormulaOtherwise() {
        assertThat(Psi.of(new long[] {50, 50}, new long[] {50, 50})).isZero();
        // shares with half-count smoothing: e = (50.5, 50.5) / 101, a = (90.5, 10.5) / 101
        double e = 0.5;
        double a1 = 90.5 / 101;
        double a2 = 10.5 / 101;
        double expected = (a1 - e) * Math.log(a1 / e) + (a2 - e) * Math.log(a2 / e);
        assertThat(Psi.of(new long[] {50, 50}, new long[] {90, 10})).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void shouldStayFarBelowTheThresholdOnTheSameDistribution() {
        DistributionShift shift = DistributionShift.ofValues(1000, 1000);
        Random random = new Random(5);
        double max = 0;
        for (int i = 0; i < 20_000; i++) {
            double psi = shift.add(random.nextGaussian());
            if (!Double.isNaN(psi)) {
                max = Math.max(max, psi);
            }
        }
        assertThat(max).isLessThan(0.1);
    }

    @Test
    void shouldExceedTheThresholdWhenTheMeanMovesByOneStandardDeviation() {
        DistributionShift shift = DistributionShift.ofValues(1000, 1000);
        Random random = new Random(6);
        double psi = Double.NaN;
        for (int i = 0; i < 2000; i++) {
            psi = shift.add(random.nextGaussian() + (i < 1000 ? 0 : 1));
        }
        assertThat(psi).isGreaterThan(0.25);
    }

    @Test
    void shouldBinClassesAndReportNothingUntilBothWindowsAreFull() {
        DistributionShift shift = DistributionShift.ofClasses(3, 4, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(shift.add(i % 3)).isNaN();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(shift.add(2)).isNaN();
        }
        assertThat(shift.add(2)).isGreaterThan(0.25);
        shift.reset();
        assertThat(shift.add(0)).isNaN();
    }

    @Test
    void shouldHandleAConstantReference() {
        DistributionShift shift = DistributionShift.ofValues(10, 10);
        double psi = Double.NaN;
        for (int i = 0; i < 20; i++) {
            psi = shift.add(0.0);
        }
        assertThat(psi).isZero();
    }
}
