package io.streamlearn.trainer.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class OnnxExporterTest {
    private static final int INPUTS = 7;
    private static final int CLASSES = 4;
    private static final int ROWS = 16;
    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation hidden : List.of(Activation.RELU, Activation.LEAKYRELU, Activation.TANH, Activation.SIGMOID,
                Activation.IDENTITY)) {
            for (Activation output : List.of(Activation.SOFTMAX, Activation.IDENTITY, Activation.SIGMOID, Activation.TANH)) {
                for (int depth = 1; depth <= 2; depth++) {
                    cases.add(Arguments.of(hidden, output, depth));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "hidden {0}, output {1}, {2} hidden layer(s)")
    @MethodSource("networks")
    void shouldMatchDl4jWithin1e5ForEverySupportedActivation(Activation hidden, Activation output, int depth)
            throws OrtException {
        MultiLayerNetwork network = network(hidden, output, depth, 1000L * depth + hidden.ordinal() * 10L + output.ordinal());
        float[][] x = randomMatrix(new Random(depth), ROWS, INPUTS, 3);

        float[][] expected;
        try (INDArray in = Nd4j.create(x); INDArray out = network.output(in)) {
            expected = out.toFloatMatrix();
        }
        float[][] actual = runOnnx(OnnxExporter.export(network, Map.of()), x);

        for (int row = 0; row < ROWS; row++) {
            for (int c = 0; c < CLASSES; c++) {
                assertThat(actual[row][c]).as("row %d class %d", row, c)
                        .isCloseTo(expected[row][c], offset(1e-5f));
            }
        }
    }

    @Test
    void shouldDeclareNamedInputAndOutputWithSymbolicBatchAndCarryTheMetadata() throws OrtException {
        MultiLayerNetwork network = network(Activation.RELU, Activation.SOFTMAX, 1, 1);
        byte[] model = OnnxExporter.export(network, Map.of("model_name", "m", "model_version", "3"));

        try (OrtSession session = ORT.createSession(model, new OrtSession.SessionOptions())) {
            NodeInfo input = session.getInputInfo().get(OnnxExporter.INPUT_NAME);
            NodeInfo output = session.getOutputInfo().get(OnnxExporter.OUTPUT_NAME);
            assertThat(((TensorInfo) input.getInfo()).getShape()).containsExactly(-1, INPUTS);
            assertThat(((TensorInfo) input.getInfo()).getDimensionNames()[0]).isEqualTo("N");
            assertThat(((TensorInfo) output.getInfo()).getShape()).containsExactly(-1, CLASSES);
            assertThat(session.getMetadata().getCustomMetadata())
                    .containsEntry("model_name", "m").containsEntry("model_version", "3");
        }
    }

    @Test
    void shouldApplyTheInputScalingInsideTheGraph() throws OrtException {
        MultiLayerNetwork network = network(Activation.RELU, Activation.SOFTMAX, 1, 5);
        InputScaling scaling = new InputScaling(0.25f, 4f);
        float[][] raw = randomMatrix(new Random(5), ROWS, INPUTS, 1);
        float[][] scaled = new float[ROWS][INPUTS];
        for (int row = 0; row < ROWS; row++) {
            for (int j = 0; j < INPUTS; j++) {
                scaled[row][j] = scaling.apply(raw[row][j]);
            }
        }

        float[][] expected;
        try (INDArray in = Nd4j.create(scaled); INDArray out = network.output(in)) {
            expected = out.toFloatMatrix();
        }
        float[][] actual = runOnnx(OnnxExporter.export(network, scaling, Map.of()), raw);
        for (int row = 0; row < ROWS; row++) {
            for (int c = 0; c < CLASSES; c++) {
                assertThat(actual[row][c]).isCloseTo(expected[row][c], offset(1e-5f));
            }
        }
    }

    @Test
    void shouldWriteIrVersion8AndOpset13() throws Exception {
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(
                OnnxExporter.export(network(Activation.TANH, Activation.SOFTMAX, 1, 6), Map.of()));

        assertThat(model.getIrVersion()).isEqualTo(8);
        assertThat(model.getOpsetImportList()).singleElement()
                .satisfies(opset -> assertThat(opset.getVersion()).isEqualTo(13));
    }

    @Test
    void shouldIgnoreDropoutAtInference() throws OrtException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(5).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = randomized(conf, 3);
        float[][] x = randomMatrix(new Random(3), 4, INPUTS, 1);

        float[][] expected;
        try (INDArray in = Nd4j.create(x); INDArray out = network.output(in, false)) {
            expected = out.toFloatMatrix();
        }
        float[][] actual = runOnnx(OnnxExporter.export(network, Map.of()), x);
        for (int row = 0; row < 4; row++) {
            for (int c = 0; c < CLASSES; c++) {
                assertThat(actual[row][c]).isCloseTo(expected[row][c], offset(1e-5f));
            }
        }
    }

    @Test
    void shouldRefuseAConvolutionLayerNamingIt() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(2).build())
                .layer(new OutputLayer.Builder().nIn(2).nOut(CLASSES).build())
                .build();

        assertThatThrownBy(() -> OnnxExporter.checkSupported(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 0 (ConvolutionLayer) is not supported");
    }

    @Test
    void shouldRefuseAClippedReluNamingIt() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(5).activation(new ActivationReLU(6.0, 0.0, 0.0)).build())
                .layer(new OutputLayer.Builder().nIn(5).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .build();

        assertThatThrownBy(() -> OnnxExporter.checkSupported(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("of layer 0 (DenseLayer) is not supported");
    }

    @Test
    void shouldRefuseAnUnsupportedOutputActivation() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(CLASSES)
                        .activation(Activation.SOFTPLUS).build())
                .build();

        assertThatThrownBy(() -> OnnxExporter.checkSupported(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1 (OutputLayer)")
                .hasMessageContaining("softplus");
    }

    static MultiLayerNetwork network(Activation hidden, Activation output, int depth, long seed) {
        var layers = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).list();
        int in = INPUTS;
        for (int i = 0; i < depth; i++) {
            layers.layer(new DenseLayer.Builder().nIn(in).nOut(6 - i).activation(hidden).build());
            in = 6 - i;
        }
        LossFunctions.LossFunction loss = output == Activation.SOFTMAX
                ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE;
        layers.layer(new OutputLayer.Builder(loss).nIn(in).nOut(CLASSES).activation(output).build());
        return randomized(layers.build(), seed);
    }

    /** Random weights and biases (biases start at zero otherwise, which would hide a bias export bug). */
    static MultiLayerNetwork randomized(MultiLayerConfiguration conf, long seed) {
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        long n = network.numParams();
        Random random = new Random(seed);
        float[] params = new float[Math.toIntExact(n)];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextGaussian();
        }
        try (INDArray p = Nd4j.create(params, new long[] {1, n}, DataType.FLOAT)) {
            network.setParams(p);
        }
        return network;
    }

    private static float[][] randomMatrix(Random random, int rows, int columns, double scale) {
        float[][] x = new float[rows][columns];
        for (float[] row : x) {
            for (int j = 0; j < columns; j++) {
                row[j] = (float) (random.nextGaussian() * scale);
            }
        }
        return x;
    }

    private static float[][] runOnnx(byte[] model, float[][] x) throws OrtException {
        try (OrtSession session = ORT.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(ORT, x);
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT_NAME, input))) {
            return (float[][]) result.get(OnnxExporter.OUTPUT_NAME).orElseThrow().getValue();
        }
    }
}
