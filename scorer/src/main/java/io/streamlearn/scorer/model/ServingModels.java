package io.streamlearn.scorer.model;

import ai.onnxruntime.OrtEnvironment;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models one scorer instance holds: the champion, whose predictions are emitted; at most one candidate,
 * scored in shadow on labeled samples beside the champion and promoted when its accuracy over
 * {@link ScorerConfig.Promotion#samples()} samples is at least the champion's minus the margin (else discarded);
 * at most one pending snapshot, the newest that arrived during the trial, which becomes the next candidate (so
 * that a fast trainer cannot starve promotion); and the bytes of the last few valid snapshots, which an operator
 * may pin. A snapshot serves directly when promotion is disabled, when there is no champion, or before this
 * instance has scored anything: a restart replays the models topic, and verdicts are not persisted, so the newest
 * valid snapshot serves first. Decisions are per instance: instances see the samples of their own partitions and
 * may promote at different moments (or disagree); pins are per instance too. Stream threads lease models lock-free
 * through {@link ModelSlot}s; every state change is synchronized.
 */
public final class ServingModels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServingModels.class);
    private static final int REMEMBERED_REJECTIONS = 16;

    private final ScorerConfig.Promotion policy;
    private final OrtEnvironment env;
    private final int inputSize;
    private final ScorerMetrics metrics;
    private final ModelSlot champion = new ModelSlot();
    private final ModelSlot candidate = new ModelSlot();
    private volatile boolean scoring;

    // Guarded by this.
    private Trial trial;
    private OnnxModel pending;
    private final NavigableMap<Long, ModelSnapshot> retained = new TreeMap<>();
    private final Map<Long, ModelRejectedException> rejections = new LinkedHashMap<>();
    private long pinned;
    private long newest;
    private boolean closed;

    public ServingModels(ScorerConfig.Promotion policy, OrtEnvironment env, int inputSize, ScorerMetrics metrics) {
        this.policy = policy;
        this.env = env;
        this.inputSize = inputSize;
        this.metrics = metrics;
        this.pinned = policy.pinnedVersion();
        metrics.pinned(pinned);
    }

    /** Leases the champion for one batch, or empty while none; the first lease ends the direct-serving bootstrap. */
    public Optional<ModelSlot.Lease> leaseChampion() {
        Optional<ModelSlot.Lease> lease = champion.tryAcquire();
        if (lease.isPresent()) {
            scoring = true;
        }
        return lease;
    }

    /** Leases the candidate to score labeled samples in shadow, or empty while there is no trial. */
    public Optional<ModelSlot.Lease> leaseCandidate() {
        return candidate.tryAcquire();
    }

    public long championVersion() {
        return champion.currentVersion();
    }

    public long candidateVersion() {
        return candidate.currentVersion();
    }

    /** Whether a snapshot of this version is worth loading: newer than every valid one seen. */
    public synchronized boolean isNewer(long version) {
        return version > newest;
    }

    /** Takes ownership of a loaded, validated snapshot newer than all before it, and serves or trials it. */
    public synchronized void offer(OnnxModel model, ModelSnapshot snapshot) {
        if (closed) {
            model.close();
            throw new IllegalStateException("cannot offer " + model + ": the scorer is closing");
        }
        newest = Math.max(newest, model.version());
        retain(snapshot);
        if (pinned != 0) {
            if (model.version() == pinned) {
                serve(model, "pinned version arrived");
            } else {
                log.info("{} kept but not served: pinned to v{}", model, pinned);
                model.close();
            }
        } else if (!policy.enabled()) {
            serve(model, "promotion disabled");
        } else if (champion.currentVersion() == 0) {
            serve(model, "no champion yet");
        } else if (!scoring) {
            serve(model, "newest snapshot before the first record was scored");
        } else if (trial == null) {
            startTrial(model);
        } else {
            if (pending != null) {
                log.info("{} superseded by {} while waiting for v{}'s trial", pending, model, trial.version);
                pending.close();
            }
            pending = model;
        }
    }

    /** Remembers why a version was refused, so that pinning it can say so. */
    public synchronized void rejected(long version, ModelRejectedException why) {
        rejections.put(version, why);
        if (rejections.size() > REMEMBERED_REJECTIONS) {
            rejections.remove(rejections.keySet().iterator().next());
        }
    }

    /**
     * Adds shadow results of the candidate {@code candidateVersion}: for each labeled sample it has not learned,
     * whether the champion and the candidate were right. Samples beyond the trial's size are not counted; the
     * last one decides. Results for a candidate no longer on trial are ignored.
     */
    public synchronized void recordShadow(long candidateVersion, boolean[] championRight, boolean[] candidateRight) {
        if (championRight.length != candidateRight.length) {
            throw new IllegalArgumentException("shadow results for " + championRight.length + " and "
                    + candidateRight.length + " samples");
        }
        if (trial == null || trial.version != candidateVersion) {
            return;
        }
        int take = Math.min(championRight.length, policy.samples() - trial.samples);
        for (int i = 0; i < take; i++) {
            trial.samples++;
            trial.championCorrect += championRight[i] ? 1 : 0;
            trial.candidateCorrect += candidateRight[i] ? 1 : 0;
        }
        metrics.shadowTrial(trial.samples, trial.championCorrect, trial.candidateCorrect);
        if (trial.samples >= policy.samples()) {
            decide();
        }
    }

    /**
     * Serves {@code version} from now on and stops promoting until {@link #unpin()}.
     *
     * @throws NoSuchElementException when this scorer holds no valid snapshot of that version
     * @throws ModelRejectedException when the version was refused (the exception says why) or no longer loads
     */
    public synchronized void pin(long version) throws ModelRejectedException {
        if (version < 1) {
            throw new IllegalArgumentException("a version to pin is positive, got " + version);
        }
        if (closed) {
            throw new IllegalStateException("cannot pin v" + version + ": the scorer is closing");
        }
        if (champion.currentVersion() != version) {
            ModelSnapshot snapshot = retained.get(version);
            if (snapshot == null) {
                ModelRejectedException rejection = rejections.get(version);
                if (rejection != null) {
                    throw rejection;
                }
                throw new NoSuchElementException("v" + version + " is not held by this scorer; it holds "
                        + heldVersions());
            }
            OnnxModel model = OnnxModel.load(env, snapshot, inputSize);
            endTrial();
            champion.replace(model);
            metrics.modelInstalled(model.version(), model.createdAtMs());
        } else {
            endTrial();
        }
        long before = pinned;
        pinned = version;
        metrics.pinned(version);
        log.warn("operator pinned v{} (was {}); promotion stops until unpinned", version,
                before == 0 ? "unpinned" : "pinned to v" + before);
    }

    /** Resumes promotion: the newest held snapshot newer than the champion is offered again. */
    public synchronized void unpin() {
        if (pinned == 0) {
            return;
        }
        log.warn("operator unpinned v{}", pinned);
        pinned = 0;
        metrics.pinned(0);
        Map.Entry<Long, ModelSnapshot> newestHeld = retained.lastEntry();
        if (newestHeld != null && newestHeld.getKey() > champion.currentVersion()) {
            try {
                offer(OnnxModel.load(env, newestHeld.getValue(), inputSize), newestHeld.getValue());
            } catch (ModelRejectedException e) {
                log.error("v{} was valid when it arrived but no longer loads; the champion keeps serving",
                        newestHeld.getKey(), e);
            }
        }
    }

    /** What this instance holds, for operators. */
    public synchronized Status status() {
        TrialStatus trialStatus = trial == null ? null : new TrialStatus(trial.version, trial.samples,
                policy.samples(), ratio(trial.championCorrect, trial.samples),
                ratio(trial.candidateCorrect, trial.samples));
        return new Status(champion.currentVersion(), trialStatus, pending == null ? 0 : pending.version(), pinned,
                heldVersions(), new ArrayList<>(rejections.keySet()), policy.enabled(), policy.samples(),
                policy.margin());
    }

    /** Versions this instance could serve; 0 fields mean none. */
    public record Status(long champion, TrialStatus candidate, long pending, long pinned, List<Long> held,
                         List<Long> rejected, boolean promotionEnabled, int promotionSamples,
                         double promotionMargin) {
    }

    /** A candidate's trial so far; accuracies are null before its first sample. */
    public record TrialStatus(long version, int samples, int needed, Double championAccuracy,
                              Double candidateAccuracy) {
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.close();
            pending = null;
        }
        candidate.close();
        champion.close();
    }

    private void serve(OnnxModel model, String why) {
        endTrial();
        long before = champion.currentVersion();
        if (!champion.install(model)) {
            model.close();
            return;
        }
        metrics.modelInstalled(model.version(), model.createdAtMs());
        log.info("champion is now {} (was {}): {}", model, before == 0 ? "none" : "v" + before, why);
    }

    private void startTrial(OnnxModel model) {
        if (!candidate.install(model)) {
            throw new IllegalStateException("the candidate slot still serves v" + candidate.currentVersion()
                    + " and refused " + model + ": a trial must start with an empty slot");
        }
        trial = new Trial(model.version(), model.createdAtMs());
        metrics.candidate(model.version());
        metrics.shadowTrial(0, 0, 0);
        log.info("candidate {} scores in shadow beside champion v{} on the next {} labeled samples it has not learned",
                model, champion.currentVersion(), policy.samples());
    }

    private void decide() {
        double championAccuracy = trial.championCorrect / (double) trial.samples;
        double candidateAccuracy = trial.candidateCorrect / (double) trial.samples;
        long previous = champion.currentVersion();
        if (candidateAccuracy >= championAccuracy - policy.margin()) {
            champion.takeFrom(candidate);
            metrics.promoted();
            metrics.modelInstalled(trial.version, trial.createdAtMs);
            log.info("promoted v{} over v{}: shadow accuracy {} vs {} on {} labeled samples (margin {})",
                    trial.version, previous, fmt(candidateAccuracy), fmt(championAccuracy), trial.samples,
                    policy.margin());
        } else {
            candidate.clear();
            metrics.candidateRejected();
            log.warn("discarded candidate v{}: shadow accuracy {} is below champion v{}'s {} minus margin {} "
                            + "on {} labeled samples", trial.version, fmt(candidateAccuracy), previous,
                    fmt(championAccuracy), policy.margin(), trial.samples);
        }
        trial = null;
        metrics.candidate(0);
        if (pending != null) {
            OnnxModel next = pending;
            pending = null;
            startTrial(next);
        }
    }

    private void endTrial() {
        if (trial != null) {
            log.info("trial of candidate v{} ended before its verdict", trial.version);
            trial = null;
            candidate.clear();
            metrics.candidate(0);
        }
        if (pending != null) {
            pending.close();
            pending = null;
        }
    }

    /** Keeps the snapshot's bytes; evicts the oldest beyond the limit, never one on trial or pending. */
    private void retain(ModelSnapshot snapshot) {
        retained.put(snapshot.getVersion(), snapshot);
        Iterator<Long> oldestFirst = retained.keySet().iterator();
        while (retained.size() > policy.retainedVersions() && oldestFirst.hasNext()) {
            long version = oldestFirst.next();
            boolean inUse = (trial != null && trial.version == version) || (pending != null
                    && pending.version() == version) || version == snapshot.getVersion();
            if (!inUse) {
                oldestFirst.remove();
            }
        }
    }

    private List<Long> heldVersions() {
        List<Long> held = new ArrayList<>(retained.keySet());
        long served = champion.currentVersion();
        if (served != 0 && !held.contains(served)) {
            held.add(0, served);
        }
        return held;
    }

    private static Double ratio(int correct, int samples) {
        return samples == 0 ? null : correct / (double) samples;
    }

    private static String fmt(double accuracy) {
        return String.format(java.util.Locale.ROOT, "%.4f", accuracy);
    }

    /** Counts of one candidate's shadow trial. */
    private static final class Trial {
        final long version;
        final long createdAtMs;
        int samples;
        int championCorrect;
        int candidateCorrect;

        Trial(long version, long createdAtMs) {
            this.version = version;
            this.createdAtMs = createdAtMs;
        }
    }
}
