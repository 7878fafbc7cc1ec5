package io.streamlearn.app.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples the running pipeline once a second into a bounded history, for the live page. Reading the
 * pipeline is done through a supplier so the recorder knows nothing of the services.
 */
public final class LiveRecorder {
    /** One observation of the pipeline. {@code versionAccuracy} maps a model version to its window accuracy. */
    public record Point(double t, long sent, long learned, double trainerAccuracy, double scorerAccuracy,
                        Map<Long, Double> versionAccuracy, long snapshotVersion, long servingVersion,
                        long driftAlerts) {
    }

    /** A moment worth a marker on the charts, e.g. a detected drift or an injected change. */
    public record Marker(double t, String label) {
    }

    private static final int MAX_POINTS = 3600;

    private final Supplier<Point> probe;
    private final Deque<Point> points = new ArrayDeque<>();
    private final List<Marker> markers = new ArrayList<>();

    public LiveRecorder(Supplier<Point> probe) {
        this.probe = probe;
    }

    public void sample() {
        Point p = probe.get();
        synchronized (this) {
            points.addLast(p);
            if (points.size() > MAX_POINTS) {
                points.removeFirst();
            }
        }
    }

    /** Marks the current moment of the run. */
    public void mark(String label) {
        double t = probe.get().t();
        synchronized (this) {
            markers.add(new Marker(t, label));
        }
    }

    public synchronized List<Point> points() {
        return List.copyOf(points);
    }

    public synchronized List<Marker> markers() {
        return List.copyOf(markers);
    }
}
