package io.streamlearn.scorer.testing;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.PartitionOffset;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Small ONNX classifiers built without DL4J: {@code softmax(x W + b)} where W picks feature {@code shift + c}
 * for class {@code c}, so the predicted class is the largest of the chosen features. Different shifts give
 * versions that predict differently.
 */
public final class TestModels {
    public static final String INPUT = "input";
    public static final String OUTPUT = "probabilities";
    public static final String MODEL = "digits";

    private TestModels() {
    }

    /** ONNX bytes of the classifier: input {@code [batch, inputSize]}, output {@code [batch, classes]}. */
    public static byte[] onnx(int inputSize, int classes, int shift, String inputName, String outputName) {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("test-linear-" + inputSize + "x" + classes);
        ONNXPlaceholder input = ctx.floatInput(inputName, inputSize);
        ONNXPlaceholder output = ctx.floatOutput(outputName, classes);
        ONNXInitializer weights = ctx.floatTensor("weights", List.of(inputSize, classes), buffer -> {
            for (int i = 0; i < inputSize; i++) {
                for (int c = 0; c < classes; c++) {
                    buffer.put((i - shift + inputSize) % inputSize == c ? 10f : 0f);
                }
            }
        });
        ONNXInitializer bias = ctx.array("bias", new float[classes]);
        input.apply(ONNXOperators.GEMM, List.of(weights, bias)).apply(ONNXOperators.SOFTMAX).assignTo(output);
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("streamlearn-scorer-tests")
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setGraph(ctx.buildGraph())
                .build()
                .toByteArray();
    }

    /** The same graph with its batch dimension fixed to {@code batch} instead of symbolic. */
    public static byte[] withFixedBatch(byte[] onnx, int batch) {
        try {
            OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(onnx).toBuilder();
            OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
            graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                    .clear().setDimValue(batch);
            graph.getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                    .clear().setDimValue(batch);
            return model.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model", e);
        }
    }

    /** A valid snapshot of {@link #MODEL} whose lineage has learned samples partition 0 up to {@code learnedUpTo}. */
    public static ModelSnapshot snapshot(long version, int inputSize, int classes, int shift, long learnedUpTo) {
        return snapshotBuilder(version, inputSize, classes,
                ByteString.copyFrom(onnx(inputSize, classes, shift, INPUT, OUTPUT)))
                .addOffsets(PartitionOffset.newBuilder().setTopic(Topics.SAMPLES.name()).setPartition(0)
                        .setOffset(learnedUpTo))
                .build();
    }

    public static ModelSnapshot snapshot(long version, int inputSize, int classes) {
        return snapshot(version, inputSize, classes, 0, 0);
    }

    public static ModelSnapshot.Builder snapshotBuilder(long version, int inputSize, int classes, ByteString onnx) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class-" + c);
        }
        return ModelSnapshot.newBuilder()
                .setModelName(MODEL)
                .setVersion(version)
                .setOnnxModel(onnx)
                .setInputSize(inputSize)
                .addAllClassNames(names)
                .setInputName(INPUT)
                .setOutputName(OUTPUT)
                .setSamplesLearned(version * 100)
                .setCreatedAtMs(1_700_000_000_000L + version);
    }
}
