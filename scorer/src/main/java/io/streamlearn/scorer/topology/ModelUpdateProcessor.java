package io.streamlearn.scorer.topology;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.ProtoSerde;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ModelRejectedException;
import io.streamlearn.scorer.model.ModelRejectedException.Reason;
import io.streamlearn.scorer.model.OnnxModel;
import io.streamlearn.scorer.model.ServingModels;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global processor of the models topic: loads and validates each snapshot of the served model and, if newer than
 * every valid one seen, hands it to {@link ServingModels}, which serves it or puts it on trial. Only valid
 * snapshots enter the global store. On restart Kafka Streams replays the topic through this processor before any
 * task scores; {@link #init} also considers the store's snapshot in case the replay skipped it.
 */
final class ModelUpdateProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(ModelUpdateProcessor.class);
    private static final ProtoSerde<ModelSnapshot> SNAPSHOTS = ProtoSerde.of(ModelSnapshot.parser());

    private final String storeName;
    private final String modelName;
    private final int inputSize;
    private final ServingModels serving;
    private final ScorerMetrics metrics;
    private final OrtEnvironment env;
    private KeyValueStore<String, byte[]> accepted;

    ModelUpdateProcessor(String storeName, String modelName, int inputSize, ServingModels serving,
                         ScorerMetrics metrics, OrtEnvironment env) {
        this.storeName = storeName;
        this.modelName = modelName;
        this.inputSize = inputSize;
        this.serving = serving;
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
                    serving.championVersion());
            return;
        }
        if (consider(record.value(), "the models topic")) {
            accepted.put(modelName, record.value());
        }
    }

    /** Offers the snapshot if it is valid and newer; returns whether it was offered. */
    private boolean consider(byte[] bytes, String origin) {
        ModelSnapshot snapshot;
        try {
            snapshot = SNAPSHOTS.decode(bytes);
        } catch (InvalidProtocolBufferException e) {
            reject(0, new ModelRejectedException(Reason.UNDECODABLE, "a snapshot of model '" + modelName
                    + "' from " + origin + " is not a ModelSnapshot: " + e.getMessage(), e));
            return false;
        }
        if (!modelName.equals(snapshot.getModelName())) {
            reject(snapshot.getVersion(), new ModelRejectedException(Reason.INVALID_METADATA, "a snapshot keyed '"
                    + modelName + "' names model '" + snapshot.getModelName() + "' v" + snapshot.getVersion()));
            return false;
        }
        if (!serving.isNewer(snapshot.getVersion())) {
            log.debug("snapshot v{} of model '{}' from {} ignored: not newer than the snapshots already held",
                    snapshot.getVersion(), modelName, origin);
            return false;
        }
        OnnxModel model;
        try {
            model = OnnxModel.load(env, snapshot, inputSize);
        } catch (ModelRejectedException e) {
            reject(snapshot.getVersion(), e);
            return false;
        }
        serving.offer(model, snapshot);
        return true;
    }

    private void reject(long version, ModelRejectedException e) {
        metrics.snapshotRejected(e.reason());
        if (version > 0) {
            serving.rejected(version, e);
        }
        log.warn("rejected {} snapshot: {}; v{} keeps serving", e.reason().label(), e.getMessage(),
                serving.championVersion());
        log.debug("rejected snapshot details", e);
    }
}
