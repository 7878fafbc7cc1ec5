package io.streamlearn.monitoring.accuracy;

import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps sliding-window accuracy per source and per model version and mirrors it into the metrics.
 * Only the newest {@code trackedVersions} versions keep a series, so the version label stays bounded.
 * Thread-safe: stream threads record while scrapes and the launcher read.
 */
public final class AccuracyTracker {
    private final int window;
    private final int trackedVersions;
    private final MonitoringMetrics metrics;
    private final Map<String, SlidingAccuracy> bySource = new HashMap<>();
    private final Map<String, LinkedHashMap<Long, SlidingAccuracy>> byVersion = new HashMap<>();
    private final Map<String, Long> evaluated = new HashMap<>();
    private final Map<String, Long> correct = new HashMap<>();

    public AccuracyTracker(int window, int trackedVersions, MonitoringMetrics metrics) {
        this.window = window;
        this.trackedVersions = trackedVersions;
        this.metrics = metrics;
    }

    public synchronized void record(Evaluation e) {
        metrics.evaluations.labels(e.source(), e.correct() ? "correct" : "wrong").inc();
        if (e.labelDelayMs() > 0) {
            metrics.labelDelay.observe(e.labelDelayMs() / 1000.0);
        }
        evaluated.merge(e.source(), 1L, Long::sum);
        correct.merge(e.source(), e.correct() ? 1L : 0L, Long::sum);
        SlidingAccuracy overall = bySource.computeIfAbsent(e.source(), s -> new SlidingAccuracy(window));
        overall.add(e.correct());
        metrics.windowAccuracy.labels(e.source()).set(overall.accuracy());
        SlidingAccuracy versioned = versionSeries(e.source(), e.modelVersion());
        if (versioned != null) {
            versioned.add(e.correct());
            metrics.versionAccuracy.labels(e.source(), Long.toString(e.modelVersion())).set(versioned.accuracy());
        }
    }

    /** The series of a version, created for a new version (evicting the oldest); null for a version too old to track. */
    private SlidingAccuracy versionSeries(String source, long version) {
        LinkedHashMap<Long, SlidingAccuracy> series = byVersion.computeIfAbsent(source, s -> new LinkedHashMap<>());
        SlidingAccuracy existing = series.get(version);
        if (existing != null) {
            return existing;
        }
        long newest = series.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        if (version < newest && series.size() >= trackedVersions) {
            return null;
        }
        SlidingAccuracy created = new SlidingAccuracy(window);
        series.put(version, created);
        metrics.modelVersion.labels(source).set(Math.max(newest, version));
        while (series.size() > trackedVersions) {
            Long oldest = series.keySet().stream().min(Long::compare).orElseThrow();
            series.remove(oldest);
            metrics.versionAccuracy.remove(source, Long.toString(oldest));
        }
        return created;
    }

    /** Accuracy over the last {@code window} evaluations of a source, NaN before the first. */
    public synchronized double windowAccuracy(String source) {
        SlidingAccuracy s = bySource.get(source);
        return s == null ? Double.NaN : s.accuracy();
    }

    /** Accuracy over every evaluation of a source since start, NaN before the first. */
    public synchronized double overallAccuracy(String source) {
        long n = evaluated.getOrDefault(source, 0L);
        return n == 0 ? Double.NaN : (double) correct.getOrDefault(source, 0L) / n;
    }

    public synchronized long evaluated(String source) {
        return evaluated.getOrDefault(source, 0L);
    }

    /** Window accuracy of each tracked version of a source, oldest first. */
    public synchronized Map<Long, Double> versionAccuracies(String source) {
        Map<Long, Double> out = new LinkedHashMap<>();
        byVersion.getOrDefault(source, new LinkedHashMap<>()).forEach((v, s) -> out.put(v, s.accuracy()));
        return out;
    }
}
