package io.streamlearn.scorer.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.topic.DeadLetters;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ModelSlot;
import io.streamlearn.scorer.model.OnnxModel;
import io.streamlearn.scorer.model.ServingModels;
import io.streamlearn.scorer.topology.InputKind.Input;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * Scores the records of one input topic in micro-batches with the champion of {@link ServingModels}; labeled
 * samples are also scored in shadow by the candidate, whose answers are only counted. Invalid records become dead
 * letters at once. Valid ones enter the batch buffer, scored in one ONNX Runtime call per up to
 * {@code batch.max.size} records when it is full, and by a wall-clock punctuator every {@code batch.max.wait.ms}
 * otherwise; while no model is loaded the buffer simply grows, and no prediction is ever emitted without a version.
 *
 * <p>Why the buffer is a store: under exactly-once Kafka Streams commits input offsets on its own schedule (and on
 * rebalance) without asking the processor, so records batched only in memory would be lost by a crash after such a
 * commit. The buffer is a changelogged store ({@link CommitAwareStore}), written in the same transaction as the
 * offsets, keyed by offset (a task reads one partition). Waiting records are kept decoded in memory and written to
 * the store only when Kafka Streams is about to commit, if they are still waiting then; the few written are
 * deleted once scored. Only when more than {@link #MAX_DECODED_FACTOR} batches wait (no model loaded yet), or after
 * a restart restored some, does every waiting record go to the store at once and get read back from it. Features
 * are decoded into arrays the processor reuses once their rows are scored: a fresh 3 KiB array per event was the
 * largest allocation of the scorer's own code.
 */
final class ScoringProcessor implements Processor<byte[], byte[], String, Outcome> {
    private static final Logger log = LoggerFactory.getLogger(ScoringProcessor.class);
    static final String SERVICE = "scorer";
    /** When records restored into the buffer were buffered is not known (and the clock is not set during init). */
    private static final long UNKNOWN = -1;
    /** Decoded rows are held in memory for up to this many full batches; beyond, the store is the only copy. */
    static final int MAX_DECODED_FACTOR = 4;

    static final String UNDECODABLE = "undecodable";
    static final String MISSING_ID = "missing_id";
    static final String WRONG_FEATURE_COUNT = "wrong_feature_count";
    static final String NON_FINITE_FEATURE = "non_finite_feature";

    private final InputKind kind;
    private final String bufferStoreName;
    private final int inputSize;
    private final ScorerConfig.Batching batching;
    private final ServingModels serving;
    private final ScorerMetrics metrics;
    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<Long, byte[]> buffer;
    /** Offsets of {@link #decoded} rows that a commit wrote to the store, to delete once they are scored. */
    private final Set<Long> persisted = new HashSet<>();
    private long buffered;
    private long firstBufferedOffset;
    private long firstBufferedAtMs;
    private long nextHoldingLog = 1;
    /** The buffered rows in offset order, decoded, while {@link #decodedComplete}; else empty. */
    private final List<Row> decoded = new ArrayList<>();
    private boolean decodedComplete = true;
    /** Feature arrays of scored or discarded rows, for the next records to decode into. */
    private final ArrayDeque<float[]> spares = new ArrayDeque<>();

    ScoringProcessor(InputKind kind, String bufferStoreName, ScorerConfig config, ServingModels serving,
                     ScorerMetrics metrics) {
        this.kind = kind;
        this.bufferStoreName = bufferStoreName;
        this.inputSize = config.inputSize();
        this.batching = config.batching();
        this.serving = serving;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        CommitAwareStore store = context.getStateStore(bufferStoreName);
        store.beforeCommit(this::persistWaiting);
        this.buffer = store.records();
        // Kafka Streams initializes the same instance again when it resumes or revives the task: start afresh.
        buffered = 0;
        decoded.clear();
        persisted.clear();
        decodedComplete = true;
        nextHoldingLog = 1;
        try (KeyValueIterator<Long, byte[]> all = buffer.all()) {
            while (all.hasNext()) {
                long offset = all.next().key;
                if (buffered++ == 0) {
                    firstBufferedOffset = offset;
                    firstBufferedAtMs = UNKNOWN;
                }
            }
        }
        if (buffered > 0) {
            decodedComplete = false;
            log.info("task {}: {} record(s) of {} still buffered from before a restart, from offset {}",
                    context.taskId(), buffered, kind.topic, firstBufferedOffset);
        }
        context.schedule(Duration.ofMillis(batching.maxWaitMs()), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a source record without metadata"));
        Input input = validInput(record, where);
        if (input == null) {
            return;
        }
        BufferedRecord in = new BufferedRecord(where.partition(), where.offset(), record.timestamp(), record.value());
        keepDecoded(new Row(in, input));
        if (buffered++ == 0) {
            firstBufferedOffset = in.offset();
            firstBufferedAtMs = context.currentSystemTimeMs();
        }
        if (buffered >= batching.maxSize()) {
            flush();
        }
    }

    private void keepDecoded(Row row) {
        if (decodedComplete && decoded.size() < MAX_DECODED_FACTOR * batching.maxSize()) {
            decoded.add(row);
            return;
        }
        if (decodedComplete) { // too many wait: from now on the store holds them all
            persistWaiting();
            releaseDecoded();
            persisted.clear();
            decodedComplete = false;
        }
        buffer.put(row.in().offset(), row.in().encode());
        release(row.input().features());
    }

    /** Writes the waiting rows that are not in the store yet: Kafka Streams is about to commit their offsets. */
    private void persistWaiting() {
        for (Row row : decoded) {
            if (persisted.add(row.in().offset())) {
                buffer.put(row.in().offset(), row.in().encode());
            }
        }
    }

    /** Scores everything buffered, in offset order, if a champion is loaded. */
    private void flush() {
        if (buffered == 0) {
            return;
        }
        Optional<ModelSlot.Lease> championLease = serving.leaseChampion();
        if (championLease.isEmpty()) {
            if (buffered >= nextHoldingLog) {
                log.info("task {}: no model loaded yet, holding {} record(s) of {}", context.taskId(), buffered,
                        kind.topic);
                nextHoldingLog = buffered * 10;
            }
            return;
        }
        try (ModelSlot.Lease champion = championLease.get();
             ModelSlot.Lease candidate = kind.labeled() ? serving.leaseCandidate().orElse(null) : null) {
            OnnxModel shadow = candidate == null || candidate.model().version() == champion.model().version()
                    ? null : candidate.model();
            if (decodedComplete) {
                scoreDecoded(champion.model(), shadow);
            } else {
                scoreBuffered(champion.model(), shadow).forEach(buffer::delete);
            }
            if (buffered > batching.maxSize()) {
                log.info("task {}: scored {} held record(s) of {} with {}", context.taskId(), buffered,
                        kind.topic, champion.model());
            }
        }
        if (firstBufferedAtMs != UNKNOWN) {
            metrics.batchWaited((context.currentSystemTimeMs() - firstBufferedAtMs) / 1000.0);
        }
        buffered = 0;
        nextHoldingLog = 1;
        releaseDecoded();
        decodedComplete = true;
    }

    /** Empties {@link #decoded}; its rows' feature arrays are free for reuse. */
    private void releaseDecoded() {
        for (Row row : decoded) {
            release(row.input().features());
        }
        decoded.clear();
    }

    /** An array to decode one record's features into. */
    private float[] spareFeatures() {
        float[] spare = spares.pollLast();
        return spare != null ? spare : new float[inputSize];
    }

    /** Keeps {@code features} for reuse; nothing may read it afterwards. At most as many as rows held decoded. */
    private void release(float[] features) {
        if (features.length == inputSize && spares.size() < MAX_DECODED_FACTOR * batching.maxSize()) {
            spares.addLast(features);
        }
    }

    /** Scores all of {@link #decoded}, then deletes from the store those a commit had written there. */
    private void scoreDecoded(OnnxModel champion, OnnxModel candidate) {
        for (int from = 0; from < decoded.size(); from += batching.maxSize()) {
            score(decoded.subList(from, Math.min(decoded.size(), from + batching.maxSize())), champion, candidate);
        }
        persisted.forEach(buffer::delete);
        persisted.clear();
    }

    /** Returns the offsets scored, decoding them from the store (after a restart, or when too many were held). */
    private List<Long> scoreBuffered(OnnxModel champion, OnnxModel candidate) {
        List<Long> scored = new ArrayList<>();
        List<Row> batch = new ArrayList<>(batching.maxSize());
        try (KeyValueIterator<Long, byte[]> it = buffer.range(firstBufferedOffset, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                BufferedRecord in = BufferedRecord.decode(entry.value);
                batch.add(new Row(in, decodeValidated(in)));
                scored.add(entry.key);
                if (batch.size() == batching.maxSize()) {
                    scoreAndRelease(batch, champion, candidate);
                }
            }
        }
        if (!batch.isEmpty()) {
            scoreAndRelease(batch, champion, candidate);
        }
        return scored;
    }

    private void scoreAndRelease(List<Row> batch, OnnxModel champion, OnnxModel candidate) {
        score(batch, champion, candidate);
        for (Row row : batch) {
            release(row.input().features());
        }
        batch.clear();
    }

    private void score(List<Row> batch, OnnxModel champion, OnnxModel candidate) {
        float[][] probabilities = predict(champion, batch);
        long scoredAt = context.currentSystemTimeMs();
        for (int i = 0; i < batch.size(); i++) {
            forward(champion, batch.get(i), probabilities[i], scoredAt);
        }
        if (candidate != null) {
            shadow(batch, probabilities, candidate);
        }
    }

    /** Scores, with the candidate, the labeled rows it has not learned, and reports who was right. */
    private void shadow(List<Row> batch, float[][] championProbabilities, OnnxModel candidate) {
        List<Row> unseen = new ArrayList<>();
        List<float[]> championUnseen = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Row row = batch.get(i);
            if (row.input().hasLabel() && !candidate.hasLearned(kind.topic.name(), row.in().partition(),
                    row.in().offset())) {
                unseen.add(row);
                championUnseen.add(championProbabilities[i]);
            }
        }
        if (unseen.isEmpty()) {
            return;
        }
        float[][] candidateProbabilities = predict(candidate, unseen);
        boolean[] championRight = new boolean[unseen.size()];
        boolean[] candidateRight = new boolean[unseen.size()];
        for (int i = 0; i < unseen.size(); i++) {
            int label = unseen.get(i).input().label();
            championRight[i] = argmax(championUnseen.get(i)) == label;
            candidateRight[i] = argmax(candidateProbabilities[i]) == label;
        }
        metrics.shadowScored(unseen.size());
        serving.recordShadow(candidate.version(), championRight, candidateRight);
    }

    private float[][] predict(OnnxModel model, List<Row> rows) {
        float[][] features = new float[rows.size()][];
        for (int i = 0; i < features.length; i++) {
            features[i] = rows.get(i).input().features();
        }
        long start = System.nanoTime();
        float[][] probabilities = model.predict(features);
        metrics.inferenceCall(features.length, (System.nanoTime() - start) / 1e9);
        return probabilities;
    }

    private void forward(OnnxModel model, Row row, float[] probabilities, long scoredAt) {
        Input input = row.input();
        Prediction.Builder prediction = Prediction.newBuilder()
                .setId(input.id())
                .setSource(kind.source)
                .setPredictedClass(argmax(probabilities))
                .setModelName(model.modelName())
                .setModelVersion(model.version())
                .setRecordTimestampMs(row.in().timestampMs())
                .setScoredAtMs(scoredAt)
                .setSourcePartition(row.in().partition())
                .setSourceOffset(row.in().offset());
        for (float p : probabilities) {
            prediction.addProbabilities(p);
        }
        if (input.hasLabel()) {
            prediction.setHasLabel(true)
                    .setLabel(input.label())
                    .setSeenInTraining(model.hasLearned(kind.topic.name(), row.in().partition(), row.in().offset()));
        }
        context.forward(new Record<>(input.id(), Outcome.of(prediction.build()), row.in().timestampMs()));
        metrics.scored(kind.metricLabel);
    }

    /** Returns the record's decoded fields if it can be scored, else null after routing it to the dead-letter topic. */
    private Input validInput(Record<byte[], byte[]> record, RecordMetadata where) {
        float[] into = spareFeatures();
        Input input = checkedInput(record, where, into);
        if (input == null) {
            release(into); // whatever it holds belongs to no row
        }
        return input;
    }

    private Input checkedInput(Record<byte[], byte[]> record, RecordMetadata where, float[] into) {
        Input input;
        try {
            input = kind.decode(record.value(), into);
        } catch (InvalidProtocolBufferException e) {
            return deadLetter(record, where, UNDECODABLE, e.getMessage());
        }
        if (input.id().isEmpty()) {
            return deadLetter(record, where, MISSING_ID,
                    "the record has no id, so its prediction could never meet its label");
        }
        if (input.features().length != inputSize) {
            return deadLetter(record, where, WRONG_FEATURE_COUNT, "expected " + inputSize + " features, got "
                    + input.features().length);
        }
        for (int i = 0; i < input.features().length; i++) {
            if (!Float.isFinite(input.features()[i])) {
                return deadLetter(record, where, NON_FINITE_FEATURE, "feature " + i + " is " + input.features()[i]);
            }
        }
        return input;
    }

    private Input decodeValidated(BufferedRecord in) {
        try {
            return kind.decode(in.value(), spareFeatures());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("buffered record " + kind.topic + "-" + in.partition() + "@"
                    + in.offset() + " was validated but no longer decodes", e);
        }
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

    /** Routes the record to the dead-letter topic; returns null, for {@link #validInput}. */
    private Input deadLetter(Record<byte[], byte[]> record, RecordMetadata where, String reason, String detail) {
        log.debug("dead-lettering {}-{}@{}: {}: {}", kind.topic, where.partition(), where.offset(), reason, detail);
        metrics.deadLetter(reason);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, Outcome.of(DeadLetters.of(SERVICE, kind.topic.name(), where.partition(),
                where.offset(), reason, detail, record.key(), record.value(), record.timestamp())),
                record.timestamp()));
        return null;
    }

    /** A buffered record with its decoded fields. */
    private record Row(BufferedRecord in, Input input) {
    }
}
