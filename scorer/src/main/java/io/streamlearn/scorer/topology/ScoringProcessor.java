package io.streamlearn.scorer.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.topic.DeadLetters;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ModelSlot;
import io.streamlearn.scorer.model.OnnxModel;
import io.streamlearn.scorer.topology.InputKind.Input;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the records of one input topic with the model currently in the {@link ModelSlot}. Invalid records
 * become dead letters. Valid records that arrive before any model is loaded are held in a changelogged store
 * (keyed by offset: a task reads one partition) and scored, in order, before the next record or by a wall-clock
 * punctuator once a model arrives; no prediction is ever emitted without a model version.
 */
final class ScoringProcessor implements Processor<byte[], byte[], String, Outcome> {
    private static final Logger log = LoggerFactory.getLogger(ScoringProcessor.class);
    static final String SERVICE = "scorer";
    static final Duration HELD_CHECK_INTERVAL = Duration.ofMillis(250);

    static final String UNDECODABLE = "undecodable";
    static final String MISSING_ID = "missing_id";
    static final String WRONG_FEATURE_COUNT = "wrong_feature_count";
    static final String NON_FINITE_FEATURE = "non_finite_feature";

    private final InputKind kind;
    private final String heldStoreName;
    private final int inputSize;
    private final ModelSlot slot;
    private final ScorerMetrics metrics;
    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<Long, byte[]> held;
    private long heldCount;

    ScoringProcessor(InputKind kind, String heldStoreName, ScorerConfig config, ModelSlot slot, ScorerMetrics metrics) {
        this.kind = kind;
        this.heldStoreName = heldStoreName;
        this.inputSize = config.inputSize();
        this.slot = slot;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.held = context.getStateStore(heldStoreName);
        try (KeyValueIterator<Long, byte[]> all = held.all()) {
            all.forEachRemaining(kv -> heldCount++);
        }
        if (heldCount > 0) {
            log.info("task {}: {} record(s) of {} held from before a model was loaded", context.taskId(), heldCount,
                    kind.topic);
        }
        context.schedule(HELD_CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> scoreHeldIfModelLoaded());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a source record without metadata"));
        HeldRecord in = new HeldRecord(where.partition(), where.offset(), record.timestamp(), record.key(),
                record.value());
        Input input = validOrDeadLetter(in);
        if (input == null) {
            return;
        }
        Optional<ModelSlot.Lease> lease = slot.tryAcquire();
        if (lease.isEmpty()) {
            hold(in);
            return;
        }
        try (ModelSlot.Lease l = lease.get()) {
            scoreHeld(l.model());
            score(l.model(), in, input);
        }
    }

    /** Returns the decoded input, or null after routing the record to the dead-letter topic. */
    private Input validOrDeadLetter(HeldRecord in) {
        Input input;
        try {
            input = kind.decode(in.value());
        } catch (InvalidProtocolBufferException e) {
            deadLetter(in, UNDECODABLE, e.getMessage());
            return null;
        }
        if (input.id().isEmpty()) {
            deadLetter(in, MISSING_ID, "the record has no id, so its prediction could never meet its label");
            return null;
        }
        if (input.features().length != inputSize) {
            deadLetter(in, WRONG_FEATURE_COUNT, "expected " + inputSize + " features, got " + input.features().length);
            return null;
        }
        for (int i = 0; i < input.features().length; i++) {
            if (!Float.isFinite(input.features()[i])) {
                deadLetter(in, NON_FINITE_FEATURE, "feature " + i + " is " + input.features()[i]);
                return null;
            }
        }
        return input;
    }

    private void hold(HeldRecord in) {
        held.put(in.offset(), in.encode());
        heldCount++;
        if (heldCount == 1 || heldCount % 10_000 == 0) {
            log.info("task {}: no model loaded yet, holding {} record(s) of {}", context.taskId(), heldCount,
                    kind.topic);
        }
    }

    private void scoreHeldIfModelLoaded() {
        if (heldCount == 0) {
            return;
        }
        slot.tryAcquire().ifPresent(lease -> {
            try (lease) {
                scoreHeld(lease.model());
            }
        });
    }

    private void scoreHeld(OnnxModel model) {
        if (heldCount == 0) {
            return;
        }
        List<Long> scored = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> all = held.all()) {
            while (all.hasNext()) {
                KeyValue<Long, byte[]> entry = all.next();
                HeldRecord in = HeldRecord.decode(entry.value);
                score(model, in, decodeValidated(in));
                scored.add(entry.key);
            }
        }
        scored.forEach(held::delete);
        log.info("task {}: scored {} held record(s) of {} with {}", context.taskId(), scored.size(), kind.topic, model);
        heldCount = 0;
    }

    private Input decodeValidated(HeldRecord in) {
        try {
            return kind.decode(in.value());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("held record " + kind.topic + "-" + in.partition() + "@" + in.offset()
                    + " was validated but no longer decodes", e);
        }
    }

    private void score(OnnxModel model, HeldRecord in, Input input) {
        long start = System.nanoTime();
        float[] probabilities = model.predict(new float[][] {input.features()})[0];
        metrics.inferenceCall(1, (System.nanoTime() - start) / 1e9);
        Prediction.Builder prediction = Prediction.newBuilder()
                .setId(input.id())
                .setSource(kind.source)
                .setPredictedClass(argmax(probabilities))
                .setModelName(model.modelName())
                .setModelVersion(model.version())
                .setRecordTimestampMs(in.timestampMs())
                .setScoredAtMs(context.currentSystemTimeMs());
        for (float p : probabilities) {
            prediction.addProbabilities(p);
        }
        if (input.hasLabel()) {
            prediction.setHasLabel(true)
                    .setLabel(input.label())
                    .setSeenInTraining(model.hasLearned(kind.topic.name(), in.partition(), in.offset()));
        }
        context.forward(new Record<>(input.id(), Outcome.of(prediction.build()), in.timestampMs()));
        metrics.scored(kind.metricLabel);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private void deadLetter(HeldRecord in, String reason, String detail) {
        log.debug("dead-lettering {}-{}@{}: {}: {}", kind.topic, in.partition(), in.offset(), reason, detail);
        metrics.deadLetter(reason);
        String key = in.key() == null ? null : new String(in.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, Outcome.of(DeadLetters.of(SERVICE, kind.topic.name(), in.partition(),
                in.offset(), reason + ": " + detail, in.key(), in.value(), in.timestampMs())), in.timestampMs()));
    }
}
