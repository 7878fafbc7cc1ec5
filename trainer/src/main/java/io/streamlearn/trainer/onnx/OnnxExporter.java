package io.streamlearn.trainer.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a feed-forward DL4J network as an ONNX model (IR version 8, opset 13): an optional {@link InputScaling}
 * (Sub, Mul), then per dense or output layer one Gemm on its weights and bias, then its activation. Input
 * {@value #INPUT_NAME} is float [N, inputSize] with a symbolic batch dimension, output {@value #OUTPUT_NAME} is
 * float [N, classes]. Dropout is a training-time operation and is left out. The network must not be used by another
 * thread during the export.
 */
public final class OnnxExporter {
    public static final String INPUT_NAME = "features";
    public static final String OUTPUT_NAME = "probabilities";
    public static final int OPSET = 13;
    /**
     * IR version 8 (ONNX 1.10+): carries opset 13 and is the newest that Debian's onnx 1.12 checker and every
     * ONNX Runtime since 1.10 accept.
     */
    public static final long IR_VERSION = 8;
    private static final String BATCH_DIM = "N";
    private static final int FLOAT = Onnx.TensorProto.DataType.FLOAT_VALUE;

    private OnnxExporter() {
    }

    /** Fails with a message naming the first layer, activation or option the export cannot write. */
    public static void checkSupported(MultiLayerConfiguration conf) {
        if (!conf.getInputPreProcessors().isEmpty()) {
            throw new IllegalArgumentException("input preprocessors " + conf.getInputPreProcessors()
                    + " are not supported by the ONNX export");
        }
        for (int i = 0; i < conf.getConfs().size(); i++) {
            activationNode(checkLayer(i, conf.getConf(i).getLayer()), i);
        }
    }

    private static FeedForwardLayer checkLayer(int index, Layer layer) {
        if (layer.getClass() != DenseLayer.class && layer.getClass() != OutputLayer.class) {
            throw new IllegalArgumentException("layer " + index + " (" + layer.getClass().getSimpleName()
                    + ") is not supported by the ONNX export: only DenseLayer and OutputLayer are");
        }
        if (layer instanceof DenseLayer dense && dense.hasLayerNorm()) {
            throw new IllegalArgumentException("layer " + index + " (DenseLayer) uses layer normalization, "
                    + "which the ONNX export does not support");
        }
        return (FeedForwardLayer) layer;
    }

    /**
     * The model bytes of {@code network}, with {@code metadata} as the model's metadata_props (key/value text
     * that ONNX Runtime exposes as custom metadata).
     */
    public static byte[] export(MultiLayerNetwork network, Map<String, String> metadata) {
        return export(network, InputScaling.IDENTITY, metadata);
    }

    /** Like {@link #export(MultiLayerNetwork, Map)}, with {@code scaling} applied to the input (Sub, Mul) first. */
    public static byte[] export(MultiLayerNetwork network, InputScaling scaling, Map<String, String> metadata) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        checkSupported(conf);
        Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("streamlearn");
        int layers = conf.getConfs().size();
        String previous = scaling.isIdentity() ? INPUT_NAME : addScaling(graph, scaling);
        for (int i = 0; i < layers; i++) {
            FeedForwardLayer layer = (FeedForwardLayer) conf.getConf(i).getLayer();
            String output = i == layers - 1 ? OUTPUT_NAME : "layer" + i + ".out";
            addLayer(graph, network, i, layer, previous, output);
            previous = output;
        }
        long inputSize = ((FeedForwardLayer) conf.getConf(0).getLayer()).getNIn();
        long classes = ((FeedForwardLayer) conf.getConf(layers - 1).getLayer()).getNOut();
        graph.addInput(valueInfo(INPUT_NAME, inputSize)).addOutput(valueInfo(OUTPUT_NAME, classes));

        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("streamlearn-trainer")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    private static String addScaling(Onnx.GraphProto.Builder graph, InputScaling scaling) {
        graph.addInitializer(scalar("input.offset", scaling.offset())).addInitializer(scalar("input.scale", scaling.scale()));
        graph.addNode(Onnx.NodeProto.newBuilder().setName("input.sub").setOpType("Sub")
                .addInput(INPUT_NAME).addInput("input.offset").addOutput("input.centered"));
        graph.addNode(Onnx.NodeProto.newBuilder().setName("input.mul").setOpType("Mul")
                .addInput("input.centered").addInput("input.scale").addOutput("input.scaled"));
        return "input.scaled";
    }

    private static Onnx.TensorProto scalar(String name, float value) {
        return Onnx.TensorProto.newBuilder().setName(name).setDataType(FLOAT).addFloatData(value).build();
    }

    private static void addLayer(Onnx.GraphProto.Builder graph, MultiLayerNetwork network, int index,
                                 FeedForwardLayer layer, String input, String output) {
        String prefix = "layer" + index;
        Onnx.NodeProto.Builder gemm = Onnx.NodeProto.newBuilder().setName(prefix + ".gemm").setOpType("Gemm")
                .addInput(input).addInput(prefix + ".W").addOutput(prefix + ".z");
        // DL4J computes x·W + b with W of shape [nIn, nOut]: exactly Gemm(A=x, B=W, C=b) without transposes.
        graph.addInitializer(tensor(prefix + ".W", network.getLayer(index).getParam("W")));
        boolean hasBias = layer instanceof DenseLayer dense ? dense.hasBias() : ((OutputLayer) layer).hasBias();
        if (hasBias) {
            graph.addInitializer(tensor(prefix + ".b", network.getLayer(index).getParam("b").reshape(layer.getNOut())));
            gemm.addInput(prefix + ".b");
        }
        graph.addNode(gemm);
        graph.addNode(activationNode(layer, index).addInput(prefix + ".z").addOutput(output));
    }

    private static Onnx.NodeProto.Builder activationNode(FeedForwardLayer layer, int index) {
        IActivation activation = layer.getActivationFn();
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setName("layer" + index + ".activation");
        if (activation instanceof ActivationReLU && activation.equals(new ActivationReLU())) {
            return node.setOpType("Relu");
        } else if (activation instanceof ActivationLReLU leaky) {
            return node.setOpType("LeakyRelu").addAttribute(Onnx.AttributeProto.newBuilder().setName("alpha")
                    .setType(Onnx.AttributeProto.AttributeType.FLOAT).setF((float) leaky.getAlpha()));
        } else if (activation instanceof ActivationTanH) {
            return node.setOpType("Tanh");
        } else if (activation instanceof ActivationSigmoid) {
            return node.setOpType("Sigmoid");
        } else if (activation instanceof ActivationIdentity) {
            return node.setOpType("Identity");
        } else if (activation instanceof ActivationSoftmax) {
            return node.setOpType("Softmax").addAttribute(Onnx.AttributeProto.newBuilder().setName("axis")
                    .setType(Onnx.AttributeProto.AttributeType.INT).setI(1));
        }
        throw new IllegalArgumentException("activation " + activation + " of layer " + index + " ("
                + layer.getClass().getSimpleName() + ") is not supported by the ONNX export: supported are "
                + "relu (without max/threshold/slope), leakyrelu, tanh, sigmoid, identity, softmax");
    }

    /** A float initializer with the array's shape, its values in row-major order as little-endian raw data. */
    private static Onnx.TensorProto tensor(String name, INDArray array) {
        float[] values;
        try (INDArray flat = Nd4j.toFlattened('c', array.castTo(DataType.FLOAT))) {
            values = flat.toFloatVector();
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long dim : array.shape()) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long width) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(
                        Onnx.TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
                .build();
    }
}
