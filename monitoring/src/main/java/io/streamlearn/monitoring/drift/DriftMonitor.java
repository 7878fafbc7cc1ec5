package io.streamlearn.monitoring.drift;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.streamlearn.common.drift.DriftDetector;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.monitoring.accuracy.Evaluation;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift detection for one model: every error-rate detector runs on each source's evaluated error stream (so their
 * detections can be compared in the metrics) but only the configured one raises alerts; PSI compares the predicted
 * classes of each model version with that version's first predictions, and the mean feature value of samples and
 * events with a reference taken after start or the last input alert. A detector that fires is reset. Alerts are
 * returned for the topology to send, counted, logged and kept (the last {@value #KEPT_ALERTS}) for the launcher.
 * Thread-safe.
 */
public final class DriftMonitor {
    static final int KEPT_ALERTS = 100;
    static final String PSI = "psi";
    private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);

    private final DriftConfig config;
    private final String modelName;
    private final int maxClasses;
    private final MonitoringMetrics metrics;
    private final LongSupplier clockMs;
    private final Map<String, ErrorDetectors> errors = new HashMap<>();
    private final Map<String, PredictionShift> predictions = new HashMap<>();
    private final Map<String, InputShift> inputs = new HashMap<>();
    private final Deque<DriftAlert> kept = new ArrayDeque<>();
    private long newestVersion;

    public DriftMonitor(DriftConfig config, String modelName, int maxClasses, MonitoringMetrics metrics,
                        LongSupplier clockMs) {
        this.config = config;
        this.modelName = modelName;
        this.maxClasses = maxClasses;
        this.metrics = metrics;
        this.clockMs = clockMs;
        for (String source : List.of("sample", "event")) {
            metrics.driftAlerts.labels(config.detector(), kind(DriftAlert.Kind.ERROR_RATE), source);
            metrics.driftAlerts.labels(PSI, kind(DriftAlert.Kind.PREDICTION_DISTRIBUTION), source);
            metrics.driftAlerts.labels(PSI, kind(DriftAlert.Kind.INPUT_DISTRIBUTION), source);
            DriftConfig.DETECTORS.forEach(d -> metrics.driftDetections.labels(d, source));
        }
    }

    /** The error-rate detectors of one source with their metric children. */
    private final class ErrorDetectors {
        final List<DriftDetector> detectors = new ArrayList<>();
        final List<Counter.Child> detections = new ArrayList<>();
        final List<Gauge.Child> warnings = new ArrayList<>();
        long seen;

        ErrorDetectors(String source) {
            for (String name : DriftConfig.DETECTORS) {
                detectors.add(config.newDetector(name));
                detections.add(metrics.driftDetections.labels(name, source));
                warnings.add(metrics.driftWarning.labels(name, source));
            }
        }
    }

    /** PSI of one source's predicted classes, with the reference restarted for each newer model version. */
    private static final class PredictionShift {
        final DistributionShift shift;
        long version = Long.MIN_VALUE;
        long seen;

        PredictionShift(DistributionShift shift) {
            this.shift = shift;
        }
    }

    /** PSI of one source's mean feature value. */
    private static final class InputShift {
        final DistributionShift shift;
        long seen;

        InputShift(DistributionShift shift) {
            this.shift = shift;
        }
    }

    /** One evaluated prediction of {@code source}; returns the alerts it caused (at most one). */
    public synchronized List<DriftAlert> onEvaluation(Evaluation evaluation) {
        String source = evaluation.source();
        long modelVersion = evaluation.modelVersion();
        boolean correct = evaluation.correct();
        ErrorDetectors e = errors.computeIfAbsent(source, ErrorDetectors::new);
        e.seen++;
        List<DriftAlert> alerts = new ArrayList<>(1);
        for (int i = 0; i < e.detectors.size(); i++) {
            DriftDetector d = e.detectors.get(i);
            DriftDetector.Signal signal = d.update(correct ? 0 : 1);
            e.warnings.get(i).set(signal == DriftDetector.Signal.WARNING ? 1 : 0);
            if (signal != DriftDetector.Signal.DRIFT) {
                continue;
            }
            e.detections.get(i).inc();
            double statistic = d.statistic();
            d.reset();
            if (d.name().equals(config.detector())) {
                alerts.add(alert(DriftAlert.Kind.ERROR_RATE, d.name(), source, modelVersion, e.seen, statistic,
                        String.format(Locale.ROOT, "%s flagged a rise of the error rate of %s predictions after %d "
                                + "evaluations, at input record %d@%d (statistic %.4f)", d.name(), source, e.seen,
                                evaluation.sourcePartition(), evaluation.sourceOffset(), statistic),
                        evaluation.sourcePartition(), evaluation.sourceOffset()));
            } else {
                log.info("{} (not alerting) flagged a rise of the error rate of {} predictions after {} evaluations "
                        + "(statistic {})", d.name(), source, e.seen, String.format(Locale.ROOT, "%.4f", statistic));
            }
        }
        return alerts;
    }

    /** One prediction of {@code source}, labeled or not; returns the alerts it caused. */
    public synchronized List<DriftAlert> onPrediction(String source, long modelVersion, int predictedClass) {
        newestVersion = Math.max(newestVersion, modelVersion);
        PredictionShift p = predictions.computeIfAbsent(source, s -> new PredictionShift(
                DistributionShift.ofClasses(maxClasses + 1, config.psiReferenceSize(), config.psiWindowSize())));
        if (modelVersion < p.version) {
            return List.of();
        }
        if (modelVersion > p.version) {
            p.version = modelVersion;
            p.shift.reset();
        }
        p.seen++;
        int bin = predictedClass >= 0 && predictedClass < maxClasses ? predictedClass : maxClasses;
        double psi = p.shift.add(bin);
        return psiChecked(psi, DriftAlert.Kind.PREDICTION_DISTRIBUTION, source, modelVersion, p.seen, p.shift,
                "predicted classes of version " + modelVersion);
    }

    /** The mean feature value of one sample or event of {@code source}; returns the alerts it caused. */
    public synchronized List<DriftAlert> onInput(String source, double meanFeature) {
        InputShift in = inputs.computeIfAbsent(source, s -> new InputShift(
                DistributionShift.ofValues(config.psiReferenceSize(), config.psiWindowSize())));
        in.seen++;
        double psi = in.shift.add(meanFeature);
        return psiChecked(psi, DriftAlert.Kind.INPUT_DISTRIBUTION, source, newestVersion, in.seen, in.shift,
                "mean feature value of " + source + "s");
    }

    private List<DriftAlert> psiChecked(double psi, DriftAlert.Kind kind, String source, long version, long seen,
                                        DistributionShift shift, String what) {
        if (Double.isNaN(psi)) {
            return List.of();
        }
        String kindLabel = kind == DriftAlert.Kind.INPUT_DISTRIBUTION ? "input" : "prediction";
        metrics.psi.labels(source, kindLabel).set(psi);
        if (psi <= config.psiThreshold()) {
            return List.of();
        }
        shift.reset();
        return List.of(alert(kind, PSI, source, version, seen, psi, String.format(Locale.ROOT,
                "PSI %.3f > %.3f between the last %d and the reference %d %s (after %d records)", psi,
                config.psiThreshold(), config.psiWindowSize(), config.psiReferenceSize(), what, seen), -1, -1));
    }

    private DriftAlert alert(DriftAlert.Kind kind, String detector, String source, long version, long seen,
                             double statistic, String description, int sourcePartition, long sourceOffset) {
        DriftAlert alert = DriftAlert.newBuilder().setModelName(modelName).setModelVersion(version).setKind(kind)
                .setDetector(detector).setSource(source).setDetectedAtMs(clockMs.getAsLong())
                .setEvaluationsSeen(seen).setStatistic(statistic).setDescription(description)
                .setSourcePartition(sourcePartition).setSourceOffset(sourceOffset).build();
        metrics.driftAlerts.labels(detector, kind(kind), source).inc();
        log.warn("drift alert for model {} v{}: {}", modelName, version, description);
        kept.addLast(alert);
        if (kept.size() > KEPT_ALERTS) {
            kept.removeFirst();
        }
        return alert;
    }

    /** The last alerts raised, oldest first. */
    public synchronized List<DriftAlert> alerts() {
        return List.copyOf(kept);
    }

    static String kind(DriftAlert.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
