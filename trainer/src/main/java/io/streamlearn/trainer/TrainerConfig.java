package io.streamlearn.trainer;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.trainer.learn.NetworkSpec;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Configuration of one trainer (one model), read from {@code streamlearn.trainer.*}. Everything is checked at
 * construction, including that the network can be exported to ONNX and that its snapshots fit on the models
 * topic, so that a bad configuration fails the start rather than the first snapshot.
 */
public record TrainerConfig(String modelName, NetworkSpec network, List<String> classNames, int batchSize,
                            long snapshotEverySamples, Duration snapshotEvery, String groupId, Duration pollTimeout) {
    private static final String P = "streamlearn.trainer.";
    public static final ConfigKey<String> MODEL_NAME = ConfigKey.string(P + "model.name", "default",
            "name of the model: key of its snapshots on the models topic and label of its metrics");
    public static final ConfigKey<Integer> INPUT_SIZE = ConfigKey.integer(P + "input.size", 784, 1, 1_000_000,
            "number of float features per sample; samples with another count go to dead-letters");
    public static final ConfigKey<Integer> CLASSES = ConfigKey.integer(P + "classes", 10, 2, 100_000,
            "number of classes; labels must be in [0, classes)");
    public static final ConfigKey<String> CLASS_NAMES = ConfigKey.optionalString(P + "class.names",
            "comma-separated class names, one per class (default: 0, 1, ..., classes-1)");
    public static final ConfigKey<String> HIDDEN_LAYERS = ConfigKey.string(P + "hidden.layers", "100",
            "comma-separated sizes of the dense hidden layers, e.g. 256,128");
    public static final ConfigKey<String> ACTIVATION = ConfigKey.choice(P + "activation", "relu",
            "activation of the hidden layers", NetworkSpec.ACTIVATIONS.toArray(String[]::new));
    public static final ConfigKey<String> OPTIMIZER = ConfigKey.choice(P + "optimizer", "adam",
            "weight update rule", NetworkSpec.OPTIMIZERS.toArray(String[]::new));
    public static final ConfigKey<Double> LEARNING_RATE = ConfigKey.decimal(P + "learning.rate", 0.001, 1e-9, 10,
            "learning rate of the optimizer");
    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer(P + "batch.size", 32, 1, 65_536,
            "samples per mini-batch (a partial batch is learned when the samples topic has nothing more)");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger(P + "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE,
            "random seed of the initial weights");
    public static final ConfigKey<Long> SNAPSHOT_EVERY_SAMPLES = ConfigKey.longInteger(P + "snapshot.every.samples",
            5000, 1, Long.MAX_VALUE, "publish a snapshot after this many newly learned samples");
    public static final ConfigKey<Long> SNAPSHOT_EVERY_MS = ConfigKey.longInteger(P + "snapshot.every.ms",
            10_000, 100, 600_000, "publish a snapshot this long after the previous one if the model changed");
    public static final ConfigKey<String> GROUP_ID = ConfigKey.string(P + "group.id", "streamlearn-trainer",
            "consumer group of the trainer on the samples topic");
    public static final ConfigKey<Long> POLL_TIMEOUT_MS = ConfigKey.longInteger(P + "poll.timeout.ms", 500, 1, 60_000,
            "longest wait for samples before a partial batch is learned");
    public static final List<ConfigKey<?>> KEYS = List.of(MODEL_NAME, INPUT_SIZE, CLASSES, CLASS_NAMES, HIDDEN_LAYERS,
            ACTIVATION, OPTIMIZER, LEARNING_RATE, BATCH_SIZE, SEED, SNAPSHOT_EVERY_SAMPLES, SNAPSHOT_EVERY_MS,
            GROUP_ID, POLL_TIMEOUT_MS);

    /** Room left in a snapshot record for the ONNX graph structure and the lineage metadata. */
    private static final long SNAPSHOT_OVERHEAD_BYTES = 256 * 1024;

    public TrainerConfig {
        classNames = List.copyOf(classNames);
        require(!modelName.isBlank(), MODEL_NAME, "must not be blank");
        require(classNames.size() == network.classes(), CLASS_NAMES,
                "has " + classNames.size() + " names for " + network.classes() + " classes (" + CLASSES + ")");
        require(classNames.stream().noneMatch(String::isBlank), CLASS_NAMES, "contains a blank name");
        require(batchSize > 0, BATCH_SIZE, "must be positive");
        require(snapshotEverySamples > 0, SNAPSHOT_EVERY_SAMPLES, "must be positive");
        require(snapshotEvery.toMillis() > 0, SNAPSHOT_EVERY_MS, "must be positive");
        require(!groupId.isBlank(), GROUP_ID, "must not be blank");
        require(pollTimeout.toMillis() > 0, POLL_TIMEOUT_MS, "must be positive");
        long snapshotBytes = network.parameterCount() * Float.BYTES + SNAPSHOT_OVERHEAD_BYTES;
        require(snapshotBytes <= Topics.MAX_SNAPSHOT_BYTES, HIDDEN_LAYERS, "gives " + network.parameterCount()
                + " parameters: snapshots would exceed the " + Topics.MAX_SNAPSHOT_BYTES + "-byte limit of the models topic");
        try {
            OnnxExporter.checkSupported(network.configuration());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(HIDDEN_LAYERS + "/" + ACTIVATION + ": " + e.getMessage(), e);
        }
    }

    private static void require(boolean condition, ConfigKey<?> key, String problem) {
        if (!condition) {
            throw new ConfigException(key + " " + problem);
        }
    }

    public static TrainerConfig from(Settings s) {
        s.requireKnown(P, KEYS);
        int classes = s.get(CLASSES);
        NetworkSpec network;
        try {
            network = new NetworkSpec(s.get(INPUT_SIZE), sizes(s.get(HIDDEN_LAYERS)), s.get(ACTIVATION), classes,
                    s.get(OPTIMIZER), s.get(LEARNING_RATE), s.get(SEED));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(HIDDEN_LAYERS + " = '" + s.get(HIDDEN_LAYERS) + "' is invalid: " + e.getMessage(), e);
        }
        String names = s.get(CLASS_NAMES).trim();
        List<String> classNames = names.isEmpty() ? defaultClassNames(classes)
                : Arrays.stream(names.split(",", -1)).map(String::trim).toList();
        return new TrainerConfig(s.get(MODEL_NAME), network, classNames, s.get(BATCH_SIZE),
                s.get(SNAPSHOT_EVERY_SAMPLES), Duration.ofMillis(s.get(SNAPSHOT_EVERY_MS)), s.get(GROUP_ID),
                Duration.ofMillis(s.get(POLL_TIMEOUT_MS)));
    }

    /** "0", "1", ... "classes-1". */
    public static List<String> defaultClassNames(int classes) {
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    private static List<Integer> sizes(String list) {
        try {
            return Arrays.stream(list.split(",", -1)).map(String::trim).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected comma-separated positive integers", e);
        }
    }

    public int inputSize() {
        return network.inputSize();
    }

    public int classes() {
        return network.classes();
    }
}
