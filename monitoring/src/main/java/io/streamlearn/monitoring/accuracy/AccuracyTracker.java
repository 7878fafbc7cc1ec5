package io.streamlearn.monitoring.accuracy;

import io.prometheus.client.Gauge;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy as stream-learning users measure it, per source and per model version, mirrored into the metrics:
 * sliding-window accuracy and Cohen's kappa, fading-factor prequential accuracy, and per source the no-change
 * baseline (predict the previous label), per-class recall and the class shares of predictions and labels.
 * Only the newest {@code trackedVersions} versions keep a series, and classes from {@code maxClasses} on share one
 * "other" series, so labels stay bounded. Thread-safe: stream threads record while scrapes and the launcher read.
 */
public final class AccuracyTracker {
    private final int window;
    private final int trackedVersions;
    private final double fadingFactor;
    private final int maxClasses;
    private final MonitoringMetrics metrics;
    private final Map<String, SourceStats> bySource = new HashMap<>();
    private final Map<String, LinkedHashMap<Long, VersionStats>> byVersion = new HashMap<>();

    public AccuracyTracker(int window, int trackedVersions, double fadingFactor, int maxClasses,
                           MonitoringMetrics metrics) {
        this.window = window;
        this.trackedVersions = trackedVersions;
        this.fadingFactor = fadingFactor;
        this.maxClasses = maxClasses;
        this.metrics = metrics;
    }

    /** Window, fading and class statistics of one model version of one source. */
    private final class VersionStats {
        final WindowedConfusion window = new WindowedConfusion(AccuracyTracker.this.window, maxClasses + 1);
        final FadingAccuracy fading = new FadingAccuracy(fadingFactor);

        void add(int predicted, int actual) {
            window.add(predicted, actual);
            fading.add(predicted == actual);
        }
    }

    /** Everything kept per source: the statistics of all versions together, the baseline and the class series. */
    private final class SourceStats {
        final VersionStats all = new VersionStats();
        final SlidingAccuracy baseline = new SlidingAccuracy(window);
        final Gauge.Child[][] classGauges = new Gauge.Child[maxClasses + 1][];
        int previousLabel = -1;
        long evaluated;
        long correct;
    }

    public synchronized void record(Evaluation e) {
        metrics.evaluations.labels(e.source(), e.correct() ? "correct" : "wrong").inc();
        if (e.labelDelayMs() > 0) {
            metrics.labelDelay.observe(e.labelDelayMs() / 1000.0);
        }
        int predicted = classIndex(e.predicted());
        int actual = classIndex(e.actual());
        SourceStats s = bySource.computeIfAbsent(e.source(), k -> new SourceStats());
        s.evaluated++;
        s.correct += e.correct() ? 1 : 0;
        s.all.add(predicted, actual);
        if (s.previousLabel >= 0) {
            s.baseline.add(e.actual() == s.previousLabel);
        }
        s.previousLabel = e.actual();
        publishSource(e.source(), s, predicted, actual);

        VersionStats versioned = versionSeries(e.source(), e.modelVersion());
        if (versioned != null) {
            versioned.add(predicted, actual);
            String version = Long.toString(e.modelVersion());
            metrics.versionAccuracy.labels(e.source(), version).set(versioned.window.accuracy());
            metrics.versionFadingAccuracy.labels(e.source(), version).set(versioned.fading.accuracy());
            metrics.versionKappa.labels(e.source(), version).set(versioned.window.kappa());
        }
    }

    private int classIndex(int c) {
        return c >= 0 && c < maxClasses ? c : maxClasses;
    }

    private void publishSource(String source, SourceStats s, int predicted, int actual) {
        metrics.windowAccuracy.labels(source).set(s.all.window.accuracy());
        metrics.fadingAccuracy.labels(source).set(s.all.fading.accuracy());
        metrics.windowKappa.labels(source).set(s.all.window.kappa());
        metrics.baselineAccuracy.labels(source).set(s.baseline.accuracy());
        classGauges(source, s, predicted);
        classGauges(source, s, actual);
        // Every share moves when the window's size or content changes, so refresh every class seen so far.
        for (int c = 0; c < s.classGauges.length; c++) {
            Gauge.Child[] g = s.classGauges[c];
            if (g != null) {
                g[0].set(s.all.window.recall(c));
                g[1].set(s.all.window.predictedShare(c));
                g[2].set(s.all.window.actualShare(c));
            }
        }
    }

    private void classGauges(String source, SourceStats s, int c) {
        if (s.classGauges[c] == null) {
            String label = MonitoringMetrics.classLabel(c, maxClasses);
            s.classGauges[c] = new Gauge.Child[] {metrics.classRecall.labels(source, label),
                    metrics.predictedClassShare.labels(source, label), metrics.labelClassShare.labels(source, label)};
        }
    }

    /** The series of a version, created for a new version (evicting the oldest); null for a version too old to track. */
    private VersionStats versionSeries(String source, long version) {
        LinkedHashMap<Long, VersionStats> series = byVersion.computeIfAbsent(source, s -> new LinkedHashMap<>());
        VersionStats existing = series.get(version);
        if (existing != null) {
            return existing;
        }
        long newest = series.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        if (version < newest && series.size() >= trackedVersions) {
            return null;
        }
        VersionStats created = new VersionStats();
        series.put(version, created);
        metrics.modelVersion.labels(source).set(Math.max(newest, version));
        while (series.size() > trackedVersions) {
            Long oldest = series.keySet().stream().min(Long::compare).orElseThrow();
            series.remove(oldest);
            String label = Long.toString(oldest);
            metrics.versionAccuracy.remove(source, label);
            metrics.versionFadingAccuracy.remove(source, label);
            metrics.versionKappa.remove(source, label);
        }
        return created;
    }

    /** Accuracy over the last {@code window} evaluations of a source, NaN before the first. */
    public synchronized double windowAccuracy(String source) {
        SourceStats s = bySource.get(source);
        return s == null ? Double.NaN : s.all.window.accuracy();
    }

    /** Fading-factor prequential accuracy of a source, NaN before the first evaluation. */
    public synchronized double fadingAccuracy(String source) {
        SourceStats s = bySource.get(source);
        return s == null ? Double.NaN : s.all.fading.accuracy();
    }

    /** Cohen's kappa over the sliding window of a source, NaN before the first evaluation or when undefined. */
    public synchronized double kappa(String source) {
        SourceStats s = bySource.get(source);
        return s == null ? Double.NaN : s.all.window.kappa();
    }

    /** Sliding-window accuracy of predicting each record's label as the previous record's label. */
    public synchronized double baselineAccuracy(String source) {
        SourceStats s = bySource.get(source);
        return s == null ? Double.NaN : s.baseline.accuracy();
    }

    /** Accuracy over every evaluation of a source since start, NaN before the first. */
    public synchronized double overallAccuracy(String source) {
        SourceStats s = bySource.get(source);
        return s == null ? Double.NaN : (double) s.correct / s.evaluated;
    }

    public synchronized long evaluated(String source) {
        SourceStats s = bySource.get(source);
        return s == null ? 0 : s.evaluated;
    }

    /** Window accuracy of each tracked version of a source, oldest first. */
    public synchronized Map<Long, Double> versionAccuracies(String source) {
        Map<Long, Double> out = new LinkedHashMap<>();
        byVersion.getOrDefault(source, new LinkedHashMap<>()).forEach((v, s) -> out.put(v, s.window.accuracy()));
        return out;
    }

    /** Fading-factor accuracy of each tracked version of a source, oldest first. */
    public synchronized Map<Long, Double> versionFadingAccuracies(String source) {
        Map<Long, Double> out = new LinkedHashMap<>();
        byVersion.getOrDefault(source, new LinkedHashMap<>()).forEach((v, s) -> out.put(v, s.fading.accuracy()));
        return out;
    }
}
