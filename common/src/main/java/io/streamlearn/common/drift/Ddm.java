package io.streamlearn.common.drift;

/**
 * Drift Detection Method (Gama, Medas, Castillo, Rodrigues 2004) on a Bernoulli error stream: with {@code p} the
 * error rate since the last reset and {@code s = sqrt(p(1-p)/n)}, it remembers {@code p_min, s_min} where
 * {@code p + s} was lowest and warns at {@code p + s > p_min + 2 s_min}, signals drift at {@code > p_min + 3 s_min},
 * after at least 30 instances. One deviation from the paper: the minimum is only recorded once an error has been
 * seen, because with {@code s_min = 0} the first error after an error-free start would count as a drift.
 */
public final class Ddm implements DriftDetector {
    public static final int DEFAULT_MIN_INSTANCES = 30;
    public static final double DEFAULT_WARNING_LEVEL = 2;
    public static final double DEFAULT_DRIFT_LEVEL = 3;

    private final int minInstances;
    private final double warningLevel;
    private final double driftLevel;
    private long n;
    private double p;
    private double pMin;
    private double sMin;
    private double statistic;

    public Ddm(int minInstances, double warningLevel, double driftLevel) {
        if (minInstances < 1 || warningLevel <= 0 || driftLevel <= warningLevel) {
            throw new IllegalArgumentException("DDM needs minInstances >= 1 and 0 < warningLevel < driftLevel; got "
                    + minInstances + ", " + warningLevel + ", " + driftLevel);
        }
        this.minInstances = minInstances;
        this.warningLevel = warningLevel;
        this.driftLevel = driftLevel;
        reset();
    }

    public Ddm() {
        this(DEFAULT_MIN_INSTANCES, DEFAULT_WARNING_LEVEL, DEFAULT_DRIFT_LEVEL);
    }

    @Override
    public Signal update(double value) {
        n++;
        p += (value - p) / n;
        double s = Math.sqrt(p * (1 - p) / n);
        if (n < minInstances) {
            return Signal.NONE;
        }
        if (s > 0 && p + s <= pMin + sMin) {
            pMin = p;
            sMin = s;
        }
        if (Double.isInfinite(pMin)) {
            statistic = 0;
            return Signal.NONE;
        }
        statistic = (p + s - pMin) / sMin;
        if (statistic > driftLevel) {
            return Signal.DRIFT;
        }
        return statistic > warningLevel ? Signal.WARNING : Signal.NONE;
    }

    @Override
    public void reset() {
        n = 0;
        p = 0;
        pMin = Double.POSITIVE_INFINITY;
        sMin = Double.POSITIVE_INFINITY;
        statistic = 0;
    }

    /** How many {@code s_min} the current {@code p + s} lies above {@code p_min}. */
    @Override
    public double statistic() {
        return statistic;
    }

    @Override
    public String name() {
        return "ddm";
    }
}
