package io.streamlearn.trainer.learn;

import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.conf.stepfunctions.NegativeDefaultStepFunction;
import org.deeplearning4j.nn.conf.stepfunctions.StepFunction;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Whether {@link DenseTrainingStep} reproduces {@code MultiLayerNetwork.fit} for a network: float32 dense layers with
 * weights and biases, a softmax output layer with unweighted MCXENT, plain Adam on every parameter, standard
 * backprop by stochastic gradient descent on averaged mini-batches, and nothing that changes gradients or
 * parameters beyond that (no regularization, dropout, weight noise, gradient normalization, constraints, layer
 * norm, input preprocessors or training listeners).
 */
final class DenseStackSupport {
    private DenseStackSupport() {
    }

    /** Why the fast step cannot train this network exactly like {@code fit}; null when it can. */
    static String unsupportedReason(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        if (conf.getDataType() != DataType.FLOAT || network.params().dataType() != DataType.FLOAT) {
            return "parameters are not float32";
        }
        if (conf.getBackpropType() != BackpropType.Standard) {
            return "backprop type " + conf.getBackpropType();
        }
        if (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty()) {
            return "input preprocessors";
        }
        if (network.getListeners() != null && !network.getListeners().isEmpty()) {
            return "training listeners";
        }
        int layers = conf.getConfs().size();
        for (int i = 0; i < layers; i++) {
            String reason = layerReason(conf.getConf(i), i == layers - 1);
            if (reason != null) {
                return "layer " + i + ": " + reason;
            }
            if (!network.getLayer(i).paramTable().keySet().equals(Set.of("W", "b"))) {
                return "layer " + i + " has parameters " + network.getLayer(i).paramTable().keySet();
            }
        }
        return null;
    }

    private static String layerReason(NeuralNetConfiguration c, boolean output) {
        if (!c.isMiniBatch() || !c.isMinimize()) {
            return "not a minimized mini-batch average";
        }
        if (c.getOptimizationAlgo() != org.deeplearning4j.nn.api.OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
            return "optimization algorithm " + c.getOptimizationAlgo();
        }
        StepFunction step = c.getStepFunction();
        if (step != null && step.getClass() != NegativeDefaultStepFunction.class) {
            return "step function " + step;
        }
        Object layer = c.getLayer();
        if (output) {
            if (layer.getClass() != OutputLayer.class) {
                return "output layer " + layer.getClass().getSimpleName();
            }
            OutputLayer out = (OutputLayer) layer;
            if (!(out.getActivationFn() instanceof ActivationSoftmax) || out.getLossFn().getClass() != LossMCXENT.class
                    || ((LossMCXENT) out.getLossFn()).getWeights() != null || !out.hasBias()) {
                return "output is not softmax with unweighted MCXENT and bias";
            }
        } else {
            if (layer.getClass() != DenseLayer.class) {
                return "hidden layer " + layer.getClass().getSimpleName();
            }
            DenseLayer dense = (DenseLayer) layer;
            if (!dense.hasBias() || dense.hasLayerNorm()) {
                return "dense layer without bias or with layer norm";
            }
        }
        BaseLayer base = (BaseLayer) layer;
        if (!isPlainAdam(base.getUpdaterByParam("W")) || !isPlainAdam(base.getUpdaterByParam("b"))) {
            return "updater " + base.getIUpdater() + " (bias " + base.getBiasUpdater() + "), only Adam";
        }
        if (!empty(base.getRegularization()) || !empty(base.getRegularizationBias())) {
            return "regularization (l1, l2 or weight decay)";
        }
        if (base.getIDropout() != null || base.getWeightNoise() != null) {
            return "dropout or weight noise";
        }
        if (base.getGradientNormalization() != null && base.getGradientNormalization() != GradientNormalization.None) {
            return "gradient normalization " + base.getGradientNormalization();
        }
        if (!empty(base.getConstraints())) {
            return "constraints";
        }
        return null;
    }

    private static boolean isPlainAdam(IUpdater updater) {
        return updater != null && updater.getClass() == Adam.class;
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
