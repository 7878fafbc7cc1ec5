package io.streamlearn.bench.data;

import com.google.protobuf.ByteString;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The trainer's default network (784 -> 100 ReLU -> 10 softmax, Adam) and ONNX snapshots of it, built the way the
 * trainer builds them: {@link OnnxExporter} for the graph, the lineage fields a scorer checks around it.
 */
public final class Snapshots {
    private Snapshots() {
    }

    /** The trainer's configuration with every default but the mini-batch size. */
    public static TrainerConfig trainerConfig(int batchSize) {
        return TrainerConfig.from(Settings.of(Map.of(TrainerConfig.BATCH_SIZE.name(), Integer.toString(batchSize))));
    }

    /** A fresh network with the trainer's seeded initial weights. */
    public static MultiLayerNetwork network(int batchSize) {
        return trainerConfig(batchSize).network().build();
    }

    /** A snapshot of a fresh default network, as version {@code version}. */
    public static ModelSnapshot fresh(long version) {
        TrainerConfig config = trainerConfig(32);
        return of(config, config.network().build(), version);
    }

    public static ModelSnapshot of(TrainerConfig config, MultiLayerNetwork network, long version) {
        long now = System.currentTimeMillis();
        byte[] onnx = OnnxExporter.export(network, Map.of("model_name", config.modelName(),
                "model_version", Long.toString(version)));
        return ModelSnapshot.newBuilder()
                .setModelName(config.modelName())
                .setVersion(version)
                .setOnnxModel(ByteString.copyFrom(onnx))
                .setCreatedAtMs(now)
                .setInputSize(config.inputSize())
                .addAllClassNames(config.classNames())
                .setInputName(OnnxExporter.INPUT_NAME)
                .setOutputName(OnnxExporter.OUTPUT_NAME)
                .build();
    }

    /** The same snapshot under another version number: what a swap costs does not depend on the weights. */
    public static ModelSnapshot withVersion(ModelSnapshot snapshot, long version) {
        return snapshot.toBuilder().setVersion(version).setCreatedAtMs(System.currentTimeMillis()).build();
    }
}
