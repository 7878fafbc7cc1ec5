package io.streamlearn.scorer.topology;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.ProtoSerde;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ModelRejectedException;
import io.streamlearn.scorer.model.ModelRejectedException.Reason;
import io.streamlearn.scorer.model.ModelSlot;
import io.streamlearn.scorer.model.OnnxModel;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global processor of the models topic: loads and validates each snapshot of the served model and installs it
 * in the {@link ModelSlot} if newer. Only accepted snapshots enter the global store, and {@link #init} installs
 * the one found there, so that a restarted scorer serves its latest good model before any task scores
 * (Kafka Streams finishes the global store before it starts stream threads).
 */
final class ModelUpdateProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(ModelUpdateProcessor.class);
    private static final ProtoSerde<ModelSnapshot> SNAPSHOTS = ProtoSerde.of(ModelSnapshot.parser());

    private final String storeName;
    private final String modelName;
    private final int inputSize;
    private final ModelSlot slot;
    private final ScorerMetrics metrics;
    private final OrtEnvironment env;
    private KeyValueStore<String, byte[]> accepted;

    ModelUpdateProcessor(String storeName, String modelName, int inputSize, ModelSlot slot, ScorerMetrics metrics,
                         OrtEnvironment env) {
        this.storeName = storeName;
        this.modelName = modelName;
        this.inputSize = inputSize;
        this.slot = slot;
        this.metrics = metrics;
        this.env = env;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        accepted = context.getStateStore(storeName);
        byte[] latest = accepted.get(modelName);
        if (latest != null) {
            consider(latest, "the global store");
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (!modelName.equals(record.key())) {
            return; // another model's snapshots share the topic
        }
        if (record.value() == null) {
            log.warn("tombstone for model '{}' on the models topic ignored; v{} keeps serving", modelName,
                    slot.currentVersion());
            return;
        }
        if (consider(record.value(), "the models topic")) {
            accepted.put(modelName, record.value());
        }
    }

    /** Installs the snapshot if it is valid and newer; returns whether it was installed. */
    private boolean consider(byte[] bytes, String origin) {
        ModelSnapshot snapshot;
        try {
            snapshot = SNAPSHOTS.decode(bytes);
        } catch (InvalidProtocolBufferException e) {
            reject(new ModelRejectedException(Reason.UNDECODABLE, "a snapshot of model '" + modelName + "' from "
                    + origin + " is not a ModelSnapshot: " + e.getMessage(), e));
            return false;
        }
        if (!modelName.equals(snapshot.getModelName())) {
            reject(new ModelRejectedException(Reason.INVALID_METADATA, "a snapshot keyed '" + modelName
                    + "' names model '" + snapshot.getModelName() + "' v" + snapshot.getVersion()));
            return false;
        }
        long served = slot.currentVersion();
        if (snapshot.getVersion() == served) {
            log.debug("snapshot v{} of model '{}' from {} is already served", served, modelName, origin);
            return false;
        }
        if (snapshot.getVersion() < served) {
            log.info("snapshot v{} of model '{}' from {} ignored: older than the served v{}",
                    snapshot.getVersion(), modelName, origin, served);
            return false;
        }
        OnnxModel model;
        try {
            model = OnnxModel.load(env, snapshot, inputSize);
        } catch (ModelRejectedException e) {
            reject(e);
            return false;
        }
        if (!slot.install(model)) {
            model.close();
            return false;
        }
        metrics.modelInstalled(model.version(), model.createdAtMs());
        return true;
    }

    private void reject(ModelRejectedException e) {
        metrics.snapshotRejected(e.reason());
        log.warn("rejected {} snapshot: {}; v{} keeps serving", e.reason().label(), e.getMessage(),
                slot.currentVersion());
        log.debug("rejected snapshot details", e);
    }
}
