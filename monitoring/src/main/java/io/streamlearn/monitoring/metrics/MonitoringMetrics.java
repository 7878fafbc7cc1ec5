package io.streamlearn.monitoring.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The monitoring service's Prometheus metrics, registered into a registry owned by the caller. Labels stay bounded:
 * {@code source} is sample or event, {@code model_version} only the newest tracked versions, {@code class} a class
 * index below the configured maximum or "other", {@code detector} and {@code kind} small fixed sets.
 */
public final class MonitoringMetrics {
    public static final String OTHER_CLASS = "other";

    public final Counter evaluations;
    public final Gauge versionAccuracy;
    public final Gauge versionFadingAccuracy;
    public final Gauge versionKappa;
    public final Gauge windowAccuracy;
    public final Gauge fadingAccuracy;
    public final Gauge windowKappa;
    public final Gauge baselineAccuracy;
    public final Gauge classRecall;
    public final Gauge predictedClassShare;
    public final Gauge labelClassShare;
    public final Counter predictions;
    public final Gauge modelVersion;
    public final Histogram labelDelay;
    public final Counter unmatched;
    public final Counter skipped;
    public final Counter deadLetters;
    public final Counter driftAlerts;
    public final Counter driftDetections;
    public final Gauge driftWarning;
    public final Gauge psi;

    public MonitoringMetrics(CollectorRegistry registry) {
        String p = "streamlearn_monitoring_";
        evaluations = Counter.build(p + "evaluations_total",
                        "Predictions compared with their true label, by source and outcome (correct|wrong).")
                .labelNames("source", "outcome").register(registry);
        versionAccuracy = Gauge.build(p + "version_accuracy_ratio",
                        "Accuracy of a model version over its last evaluations (sliding window); newest versions only.")
                .labelNames("source", "model_version").register(registry);
        versionFadingAccuracy = Gauge.build(p + "version_fading_accuracy_ratio",
                        "Prequential accuracy of a model version with a fading factor; newest versions only.")
                .labelNames("source", "model_version").register(registry);
        versionKappa = Gauge.build(p + "version_kappa",
                        "Cohen's kappa (-1..1) of a model version over its sliding window; newest versions only.")
                .labelNames("source", "model_version").register(registry);
        windowAccuracy = Gauge.build(p + "window_accuracy_ratio",
                        "Accuracy over the most recent evaluations (sliding window), whatever the model version.")
                .labelNames("source").register(registry);
        fadingAccuracy = Gauge.build(p + "fading_accuracy_ratio",
                        "Prequential accuracy with a fading factor, whatever the model version.")
                .labelNames("source").register(registry);
        windowKappa = Gauge.build(p + "window_kappa",
                        "Cohen's kappa (-1..1) over the sliding window, whatever the model version.")
                .labelNames("source").register(registry);
        baselineAccuracy = Gauge.build(p + "baseline_accuracy_ratio",
                        "Accuracy of the no-change baseline (predicts the previous label) over the sliding window.")
                .labelNames("source").register(registry);
        classRecall = Gauge.build(p + "class_recall_ratio",
                        "Share of the sliding window's records of a true class that were predicted right.")
                .labelNames("source", "class").register(registry);
        predictedClassShare = Gauge.build(p + "predicted_class_ratio",
                        "Share of a class among the predictions of the sliding window.")
                .labelNames("source", "class").register(registry);
        labelClassShare = Gauge.build(p + "label_class_ratio",
                        "Share of a class among the true labels of the sliding window.")
                .labelNames("source", "class").register(registry);
        predictions = Counter.build(p + "predictions_total",
                        "Predictions read, labeled or not, by source and predicted class.")
                .labelNames("source", "class").register(registry);
        modelVersion = Gauge.build(p + "model_version",
                        "Newest model version seen in evaluated predictions.")
                .labelNames("source").register(registry);
        labelDelay = Histogram.build(p + "label_delay_seconds",
                        "Time from an event to the arrival of its label.")
                .buckets(0.1, 1, 10, 60, 600, 3600, 6 * 3600, 24 * 3600).register(registry);
        unmatched = Counter.build(p + "unmatched_total",
                        "Event predictions whose label never came within the join window (side=prediction) and "
                                + "labels that found no prediction (side=label).")
                .labelNames("side").register(registry);
        skipped = Counter.build(p + "skipped_total",
                        "Records not evaluated, by reason (seen_in_training: the model had already learned the "
                                + "sample; other_model: a prediction of another model; undecodable_input: a sample or "
                                + "event the input summary could not read, dead-lettered by its owner; empty_input: one without features).")
                .labelNames("reason").register(registry);
        deadLetters = Counter.build(p + "dead_letters_total",
                        "Records the monitoring service could not decode, sent to the dead-letter topic, by source "
                                + "topic and reason (undecodable, empty_value).")
                .labelNames("topic", "reason").register(registry);
        driftAlerts = Counter.build(p + "drift_alerts_total",
                        "Drift alerts sent to the drift-alerts topic, by detector, kind and source.")
                .labelNames("detector", "kind", "source").register(registry);
        driftDetections = Counter.build(p + "drift_detections_total",
                        "Changes flagged by each error-rate detector, alerting or not (for comparing detectors).")
                .labelNames("detector", "source").register(registry);
        driftWarning = Gauge.build(p + "drift_warning",
                        "1 while an error-rate detector is in its warning zone (DDM), else 0.")
                .labelNames("detector", "source").register(registry);
        psi = Gauge.build(p + "psi",
                        "Population stability index of the recent window against the reference window, by source "
                                + "and kind (prediction: predicted classes; input: mean feature value).")
                .labelNames("source", "kind").register(registry);
        unmatched.labels("prediction");
        unmatched.labels("label");
    }

    /** The class label of a class index: the index itself below {@code maxClasses}, "other" from there on. */
    public static String classLabel(int classIndex, int maxClasses) {
        return classIndex >= 0 && classIndex < maxClasses ? Integer.toString(classIndex) : OTHER_CLASS;
    }
}
