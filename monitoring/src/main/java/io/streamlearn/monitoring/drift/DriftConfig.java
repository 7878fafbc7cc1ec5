package io.streamlearn.monitoring.drift;

import io.streamlearn.common.drift.Adwin;
import io.streamlearn.common.drift.Ddm;
import io.streamlearn.common.drift.DriftDetector;
import io.streamlearn.common.drift.PageHinkley;
import java.util.List;

/**
 * Settings of the drift detectors, part of the monitoring configuration.
 *
 * @param detector          the error-rate detector whose detections become alerts: adwin, ddm or page-hinkley
 * @param adwinDelta        ADWIN's confidence
 * @param ddmMinInstances   DDM's instances before it may signal
 * @param ddmWarningLevel   DDM's warning level, in standard deviations
 * @param ddmDriftLevel     DDM's drift level, in standard deviations
 * @param phMinInstances    Page-Hinkley's instances before it may signal
 * @param phDelta           Page-Hinkley's tolerated increase per value
 * @param phLambda          Page-Hinkley's threshold
 * @param phAlpha           Page-Hinkley's forgetting factor
 * @param psiThreshold      PSI above which a distribution shift is alerted
 * @param psiReferenceSize  values in a PSI reference window
 * @param psiWindowSize     values in a PSI recent window
 * @param inputs            whether to read samples and events for the input summary
 */
public record DriftConfig(String detector, double adwinDelta, int ddmMinInstances, double ddmWarningLevel,
                          double ddmDriftLevel, int phMinInstances, double phDelta, double phLambda, double phAlpha,
                          double psiThreshold, int psiReferenceSize, int psiWindowSize, boolean inputs) {
    public static final String ADWIN = "adwin";
    public static final String DDM = "ddm";
    public static final String PAGE_HINKLEY = "page-hinkley";
    public static final List<String> DETECTORS = List.of(ADWIN, DDM, PAGE_HINKLEY);

    /** The published defaults, with Page-Hinkley alerting (see DRIFT.md for why). */
    public static DriftConfig defaults() {
        return new DriftConfig(PAGE_HINKLEY, Adwin.DEFAULT_DELTA, Ddm.DEFAULT_MIN_INSTANCES, Ddm.DEFAULT_WARNING_LEVEL,
                Ddm.DEFAULT_DRIFT_LEVEL, PageHinkley.DEFAULT_MIN_INSTANCES, PageHinkley.DEFAULT_DELTA,
                PageHinkley.DEFAULT_LAMBDA, PageHinkley.DEFAULT_ALPHA, 0.25, 1000, 1000, true);
    }

    public DriftDetector newDetector(String name) {
        return switch (name) {
            case ADWIN -> new Adwin(adwinDelta);
            case DDM -> new Ddm(ddmMinInstances, ddmWarningLevel, ddmDriftLevel);
            case PAGE_HINKLEY -> new PageHinkley(phMinInstances, phDelta, phLambda, phAlpha);
            default -> throw new IllegalArgumentException("unknown detector " + name + "; known: " + DETECTORS);
        };
    }
}
