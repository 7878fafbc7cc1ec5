package io.streamlearn.trainer.learn;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Shape and training setup of the classifier the trainer learns: dense hidden layers with one activation, a
 * softmax output trained with cross-entropy, float32 parameters. Same spec and seed give the same initial weights.
 */
public record NetworkSpec(int inputSize, List<Integer> hiddenLayers, String activation, int classes,
                          String optimizer, double learningRate, long seed) {
    public static final List<String> ACTIVATIONS = List.of("relu", "leakyrelu", "tanh", "sigmoid", "identity");
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd", "nesterovs");
    private static final double NESTEROVS_MOMENTUM = 0.9;

    public NetworkSpec {
        hiddenLayers = List.copyOf(hiddenLayers);
        require(inputSize > 0, "input size must be positive, got " + inputSize);
        require(classes >= 2, "a classifier needs at least 2 classes, got " + classes);
        require(hiddenLayers.stream().allMatch(n -> n > 0), "hidden layer sizes must be positive, got " + hiddenLayers);
        require(ACTIVATIONS.contains(activation), "activation must be one of " + ACTIVATIONS + ", got " + activation);
        require(OPTIMIZERS.contains(optimizer), "optimizer must be one of " + OPTIMIZERS + ", got " + optimizer);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, got " + learningRate);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public MultiLayerConfiguration configuration() {
        var layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater())
                .list();
        int in = inputSize;
        for (int size : hiddenLayers) {
            layers.layer(new DenseLayer.Builder().nIn(in).nOut(size).activation(dl4jActivation()).build());
            in = size;
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(in).nOut(classes).activation(Activation.SOFTMAX).build());
        return layers.build();
    }

    /** A new network with seeded initial weights. */
    public MultiLayerNetwork build() {
        MultiLayerNetwork network = new MultiLayerNetwork(configuration());
        network.init();
        return network;
    }

    /** Weights and biases of all layers: what an exported snapshot carries. */
    public long parameterCount() {
        long count = 0;
        long in = inputSize;
        for (int size : hiddenLayers) {
            count += in * size + size;
            in = size;
        }
        return count + in * classes + classes;
    }

    private Activation dl4jActivation() {
        return switch (activation) {
            case "relu" -> Activation.RELU;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "tanh" -> Activation.TANH;
            case "sigmoid" -> Activation.SIGMOID;
            case "identity" -> Activation.IDENTITY;
            default -> throw new IllegalStateException("unmapped activation " + activation);
        };
    }

    private IUpdater updater() {
        return switch (optimizer) {
            case "adam" -> new Adam(learningRate);
            case "sgd" -> new Sgd(learningRate);
            case "nesterovs" -> new Nesterovs(learningRate, NESTEROVS_MOMENTUM);
            default -> throw new IllegalStateException("unmapped optimizer " + optimizer);
        };
    }
}
