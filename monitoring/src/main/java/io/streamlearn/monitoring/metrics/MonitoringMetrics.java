package io.streamlearn.monitoring.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/** The monitoring service's Prometheus metrics, registered into a registry owned by the caller. */
public final class MonitoringMetrics {
    public final Counter evaluations;
    public final Gauge versionAccuracy;
    public final Gauge windowAccuracy;
    public final Gauge modelVersion;
    public final Histogram labelDelay;
    public final Counter skipped;
    public final Counter deadLetters;

    public MonitoringMetrics(CollectorRegistry registry) {
        evaluations = Counter.build("streamlearn_monitoring_evaluations_total",
                        "Predictions compared with their true label, by source and outcome (correct|wrong).")
                .labelNames("source", "outcome").register(registry);
        versionAccuracy = Gauge.build("streamlearn_monitoring_accuracy_ratio",
                        "Sliding-window accuracy per model version; only the newest versions are kept.")
                .labelNames("source", "model_version").register(registry);
        windowAccuracy = Gauge.build("streamlearn_monitoring_window_accuracy_ratio",
                        "Sliding-window accuracy over the most recent evaluations, whatever the model version.")
                .labelNames("source").register(registry);
        modelVersion = Gauge.build("streamlearn_monitoring_model_version",
                        "Newest model version seen in evaluated predictions.")
                .labelNames("source").register(registry);
        labelDelay = Histogram.build("streamlearn_monitoring_label_delay_seconds",
                        "Time from an event to the arrival of its label.")
                .buckets(0.1, 1, 10, 60, 600, 3600, 6 * 3600, 24 * 3600).register(registry);
        skipped = Counter.build("streamlearn_monitoring_skipped_total",
                        "Predictions not evaluated, by reason (seen_in_training: the model had already learned the sample).")
                .labelNames("reason").register(registry);
        deadLetters = Counter.build("streamlearn_monitoring_dead_letters_total",
                        "Records the monitoring service could not decode, sent to the dead-letter topic.")
                .labelNames("topic").register(registry);
    }
}
