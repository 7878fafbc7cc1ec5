package io.streamlearn.monitoring;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.drift.Adwin;
import io.streamlearn.common.drift.Ddm;
import io.streamlearn.common.drift.PageHinkley;
import io.streamlearn.monitoring.drift.DriftConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the monitoring service, read from {@code streamlearn.monitoring.*}.
 *
 * @param applicationId   Kafka Streams application id (also the consumer group)
 * @param stateDir        folder for the join's window stores
 * @param modelName       the model monitored: its predictions are evaluated, its drift alerts keyed by it
 * @param joinWindow      how long a prediction waits for its label (labels are often hours late)
 * @param accuracyWindow  number of most recent evaluations the windowed accuracy, kappa and class shares cover
 * @param fadingFactor    weight of the past in the fading-factor accuracy
 * @param trackedVersions how many model versions keep their own accuracy series (bounds label cardinality)
 * @param maxClasses      class indexes with their own per-class series; higher ones share "other"
 * @param drift           the drift detectors' settings
 */
public record MonitoringConfig(String applicationId, Path stateDir, String modelName, Duration joinWindow,
                               int accuracyWindow, double fadingFactor, int trackedVersions, int maxClasses,
                               DriftConfig drift) {
    public static final String PREFIX = "streamlearn.monitoring.";
    private static final DriftConfig D = DriftConfig.defaults();

    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.string(PREFIX + "application.id",
            "streamlearn-monitoring", "Kafka Streams application id of the monitoring service");
    public static final ConfigKey<String> STATE_DIR = ConfigKey.string(PREFIX + "state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "streamlearn-monitoring-state").toString(),
            "folder for the join's window stores");
    public static final ConfigKey<String> MODEL_NAME = ConfigKey.string(PREFIX + "model.name", "default",
            "model monitored (as the trainer's and scorer's model.name): predictions of other models are skipped, "
                    + "drift alerts are keyed by it");
    public static final ConfigKey<Long> JOIN_WINDOW_MS = ConfigKey.longInteger(PREFIX + "join.window.ms",
            Duration.ofHours(6).toMillis(), 1, Duration.ofDays(30).toMillis(),
            "how long a prediction for an event waits for its label on the labels topic; predictions and labels "
                    + "left unmatched after it are counted in streamlearn_monitoring_unmatched_total");
    public static final ConfigKey<Integer> ACCURACY_WINDOW = ConfigKey.integer(PREFIX + "accuracy.window",
            1000, 10, 1_000_000, "number of most recent evaluations in the sliding-window accuracy, kappa, "
                    + "baseline, per-class recall and class shares");
    public static final ConfigKey<Double> FADING_FACTOR = ConfigKey.decimal(PREFIX + "fading.factor",
            0.999, 0.5, 0.999999, "fading factor of the prequential accuracy (0.999: the last ~1000 outcomes weigh most)");
    public static final ConfigKey<Integer> TRACKED_VERSIONS = ConfigKey.integer(PREFIX + "tracked.versions",
            3, 1, 20, "model versions that keep their own accuracy series in /metrics (older ones are dropped)");
    public static final ConfigKey<Integer> MAX_CLASSES = ConfigKey.integer(PREFIX + "classes.max",
            100, 1, 1000, "class indexes below this get their own per-class series; the others share class=\"other\"");
    public static final ConfigKey<String> DRIFT_DETECTOR = ConfigKey.choice(PREFIX + "drift.detector", D.detector(),
            "error-rate detector whose detections become drift alerts (all three run and are counted)",
            DriftConfig.DETECTORS.toArray(String[]::new));
    public static final ConfigKey<Double> ADWIN_DELTA = ConfigKey.decimal(PREFIX + "drift.adwin.delta",
            Adwin.DEFAULT_DELTA, 1e-9, 0.5, "ADWIN confidence: smaller means fewer false alarms, later detections");
    public static final ConfigKey<Integer> DDM_MIN_INSTANCES = ConfigKey.integer(PREFIX + "drift.ddm.min.instances",
            Ddm.DEFAULT_MIN_INSTANCES, 1, 1_000_000, "evaluations DDM needs before it may signal");
    public static final ConfigKey<Double> DDM_WARNING_LEVEL = ConfigKey.decimal(PREFIX + "drift.ddm.warning.level",
            Ddm.DEFAULT_WARNING_LEVEL, 0.1, 100, "DDM warning level in standard deviations above the minimum");
    public static final ConfigKey<Double> DDM_DRIFT_LEVEL = ConfigKey.decimal(PREFIX + "drift.ddm.drift.level",
            Ddm.DEFAULT_DRIFT_LEVEL, 0.1, 100, "DDM drift level in standard deviations above the minimum");
    public static final ConfigKey<Integer> PH_MIN_INSTANCES = ConfigKey.integer(
            PREFIX + "drift.pagehinkley.min.instances", PageHinkley.DEFAULT_MIN_INSTANCES, 1, 1_000_000,
            "evaluations Page-Hinkley needs before it may signal");
    public static final ConfigKey<Double> PH_DELTA = ConfigKey.decimal(PREFIX + "drift.pagehinkley.delta",
            PageHinkley.DEFAULT_DELTA, 0, 1, "Page-Hinkley: error-rate increase per evaluation that is tolerated");
    public static final ConfigKey<Double> PH_LAMBDA = ConfigKey.decimal(PREFIX + "drift.pagehinkley.lambda",
            PageHinkley.DEFAULT_LAMBDA, 0.001, 1e9, "Page-Hinkley threshold: larger means fewer false alarms, later detections");
    public static final ConfigKey<Double> PH_ALPHA = ConfigKey.decimal(PREFIX + "drift.pagehinkley.alpha",
            PageHinkley.DEFAULT_ALPHA, 0.5, 1, "Page-Hinkley forgetting factor of the cumulative sum");
    public static final ConfigKey<Double> PSI_THRESHOLD = ConfigKey.decimal(PREFIX + "drift.psi.threshold",
            D.psiThreshold(), 0.001, 100, "population stability index above which a distribution shift is alerted");
    public static final ConfigKey<Integer> PSI_REFERENCE = ConfigKey.integer(PREFIX + "drift.psi.reference.size",
            D.psiReferenceSize(), 100, 10_000_000, "records in the PSI reference window (the first after a new "
                    + "model version for predictions, after start or an alert for inputs); with 10 bins the PSI of "
                    + "an unchanged stream is about 9 * (1/reference + 1/window), so keep both in the hundreds or more");
    public static final ConfigKey<Integer> PSI_WINDOW = ConfigKey.integer(PREFIX + "drift.psi.window.size",
            D.psiWindowSize(), 100, 10_000_000, "records in the PSI recent window compared with the reference");
    public static final ConfigKey<Boolean> DRIFT_INPUTS = ConfigKey.bool(PREFIX + "drift.inputs", D.inputs(),
            "read the samples and events topics to track the mean feature value's distribution (PSI)");

    public static final List<ConfigKey<?>> KEYS = List.of(APPLICATION_ID, STATE_DIR, MODEL_NAME, JOIN_WINDOW_MS,
            ACCURACY_WINDOW, FADING_FACTOR, TRACKED_VERSIONS, MAX_CLASSES, DRIFT_DETECTOR, ADWIN_DELTA,
            DDM_MIN_INSTANCES, DDM_WARNING_LEVEL, DDM_DRIFT_LEVEL, PH_MIN_INSTANCES, PH_DELTA, PH_LAMBDA, PH_ALPHA,
            PSI_THRESHOLD, PSI_REFERENCE, PSI_WINDOW, DRIFT_INPUTS);

    public static MonitoringConfig from(Settings settings) {
        settings.requireKnown(PREFIX, KEYS);
        double warning = settings.get(DDM_WARNING_LEVEL);
        double drift = settings.get(DDM_DRIFT_LEVEL);
        if (warning >= drift) {
            throw new ConfigException(DDM_WARNING_LEVEL.name() + " (" + warning + ") must be below "
                    + DDM_DRIFT_LEVEL.name() + " (" + drift + ")");
        }
        DriftConfig driftConfig = new DriftConfig(settings.get(DRIFT_DETECTOR), settings.get(ADWIN_DELTA),
                settings.get(DDM_MIN_INSTANCES), warning, drift, settings.get(PH_MIN_INSTANCES),
                settings.get(PH_DELTA), settings.get(PH_LAMBDA), settings.get(PH_ALPHA), settings.get(PSI_THRESHOLD),
                settings.get(PSI_REFERENCE), settings.get(PSI_WINDOW), settings.get(DRIFT_INPUTS));
        return new MonitoringConfig(settings.get(APPLICATION_ID), Path.of(settings.get(STATE_DIR)),
                settings.get(MODEL_NAME), Duration.ofMillis(settings.get(JOIN_WINDOW_MS)),
                settings.get(ACCURACY_WINDOW), settings.get(FADING_FACTOR), settings.get(TRACKED_VERSIONS),
                settings.get(MAX_CLASSES), driftConfig);
    }
}
