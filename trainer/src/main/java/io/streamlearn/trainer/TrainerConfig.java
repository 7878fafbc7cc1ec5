package io.streamlearn.trainer;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.trainer.learn.LearnerOptions;
import io.streamlearn.trainer.learn.NetworkSpec;
import io.streamlearn.trainer.onnx.InputScaling;
import io.streamlearn.trainer.onnx.OnnxExporter;
import io.streamlearn.trainer.service.DriftReaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Configuration of one trainer (one model), read from {@code streamlearn.trainer.*}. Everything is checked at
 * construction, including that the network can be exported to ONNX and that its snapshots fit on the models
 * topic, so that a bad configuration fails the start rather than the first snapshot. The defaults are those
 * measured in LEARNING.md (MNIST, single pass): Adam from 0.003 falling to 0.0001 over 60,000 samples, two updates
 * per mini-batch of 32, each with 32 samples replayed from a reservoir of 5,000.
 */
public record TrainerConfig(String modelName, NetworkSpec network, List<String> classNames, LearnerOptions learning,
                            long snapshotEverySamples, Duration snapshotEvery, String groupId, Duration pollTimeout,
                            Optional<Path> checkpointDir, DriftReaction drift) {
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
    public static final ConfigKey<Double> LEARNING_RATE = ConfigKey.decimal(P + "learning.rate", 0.003, 1e-9, 10,
            "initial learning rate of the optimizer");
    public static final ConfigKey<Double> LEARNING_RATE_MIN = ConfigKey.decimal(P + "learning.rate.min", 0.0001,
            1e-9, 10, "learning rate reached at the end of the decay (if above learning.rate: no decay)");
    public static final ConfigKey<Long> LEARNING_RATE_DECAY_SAMPLES = ConfigKey.longInteger(
            P + "learning.rate.decay.samples", 60_000, 0, Long.MAX_VALUE,
            "samples over which the learning rate falls linearly from learning.rate to learning.rate.min; 0 keeps it constant");
    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer(P + "batch.size", 32, 1, 65_536,
            "new samples per mini-batch (a partial batch is learned when the samples topic has nothing more)");
    public static final ConfigKey<Integer> UPDATES_PER_BATCH = ConfigKey.integer(P + "updates.per.batch", 2, 1, 64,
            "gradient steps per mini-batch, each on its new samples plus freshly drawn replayed ones");
    public static final ConfigKey<Integer> REPLAY_CAPACITY = ConfigKey.integer(P + "replay.capacity", 5000, 0,
            10_000_000, "samples kept in the replay reservoir (a uniform sample of the stream); 0 disables replay");
    public static final ConfigKey<Integer> REPLAY_PER_BATCH = ConfigKey.integer(P + "replay.per.batch", 32, 0,
            65_536, "replayed samples added to each gradient step");
    public static final ConfigKey<Double> INPUT_OFFSET = ConfigKey.decimal(P + "input.offset", 0, -1e9, 1e9,
            "subtracted from every feature before the network (also inside the exported ONNX graph)");
    public static final ConfigKey<Double> INPUT_SCALE = ConfigKey.decimal(P + "input.scale", 1, -1e9, 1e9,
            "multiplies every feature after input.offset was subtracted; must not be 0");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger(P + "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE,
            "random seed of the initial weights and of the replay draws");
    public static final ConfigKey<Long> SNAPSHOT_EVERY_SAMPLES = ConfigKey.longInteger(P + "snapshot.every.samples",
            5000, 1, Long.MAX_VALUE, "publish a snapshot after this many newly learned samples");
    public static final ConfigKey<Long> SNAPSHOT_EVERY_MS = ConfigKey.longInteger(P + "snapshot.every.ms",
            10_000, 100, 600_000, "publish a snapshot this long after the previous one if the model changed");
    public static final ConfigKey<String> GROUP_ID = ConfigKey.string(P + "group.id", "streamlearn-trainer",
            "consumer group of the trainer on the samples topic");
    public static final ConfigKey<Long> POLL_TIMEOUT_MS = ConfigKey.longInteger(P + "poll.timeout.ms", 500, 1, 60_000,
            "longest wait for samples before a partial batch is learned");
    public static final ConfigKey<String> CHECKPOINT_DIR = ConfigKey.optionalString(P + "checkpoint.dir",
            "folder of the checkpoints (model, optimizer, replay buffer and offsets, written with every snapshot "
                    + "commit): a restarted trainer resumes from them exactly once; unset: a restart starts a new model");
    public static final ConfigKey<String> DRIFT_POLICY = ConfigKey.choice(P + "drift.policy", "reset",
            "reaction to a drift alert of this model on the drift-alerts topic", "none", "reset");
    public static final ConfigKey<Double> DRIFT_LEARNING_RATE_FACTOR = ConfigKey.decimal(
            P + "drift.learning.rate.factor", 3, 0.01, 1000,
            "multiplies the hidden layers' learning rate for drift.boost.samples after a reset");
    public static final ConfigKey<Double> DRIFT_OUTPUT_LEARNING_RATE_FACTOR = ConfigKey.decimal(
            P + "drift.output.learning.rate.factor", 20, 0.01, 1000,
            "multiplies the output layer's learning rate for drift.boost.samples after a reset");
    public static final ConfigKey<Long> DRIFT_BOOST_SAMPLES = ConfigKey.longInteger(P + "drift.boost.samples", 3000,
            0, Long.MAX_VALUE, "samples for which a reset raises the learning rates and publishes more often");
    public static final ConfigKey<Long> DRIFT_SNAPSHOT_EVERY_SAMPLES = ConfigKey.longInteger(
            P + "drift.snapshot.every.samples", 250, 1, Long.MAX_VALUE,
            "snapshot interval in samples while a drift reset is running");
    public static final ConfigKey<Boolean> DRIFT_WATCH_OWN_ERRORS = ConfigKey.bool(P + "drift.watch.own.errors", true,
            "also react when Page-Hinkley sees the trainer's own test-then-train error rate rise (faster than "
                    + "monitoring's alert, which travels through the scorer and the drift-alerts topic)");
    public static final List<ConfigKey<?>> KEYS = List.of(MODEL_NAME, INPUT_SIZE, CLASSES, CLASS_NAMES, HIDDEN_LAYERS,
            ACTIVATION, OPTIMIZER, LEARNING_RATE, LEARNING_RATE_MIN, LEARNING_RATE_DECAY_SAMPLES, BATCH_SIZE,
            UPDATES_PER_BATCH, REPLAY_CAPACITY, REPLAY_PER_BATCH, INPUT_OFFSET, INPUT_SCALE, SEED,
            SNAPSHOT_EVERY_SAMPLES, SNAPSHOT_EVERY_MS, GROUP_ID, POLL_TIMEOUT_MS, CHECKPOINT_DIR, DRIFT_POLICY,
            DRIFT_LEARNING_RATE_FACTOR, DRIFT_OUTPUT_LEARNING_RATE_FACTOR, DRIFT_BOOST_SAMPLES,
            DRIFT_SNAPSHOT_EVERY_SAMPLES, DRIFT_WATCH_OWN_ERRORS);

    /** Room left in a snapshot record for the ONNX graph structure and the lineage metadata. */
    private static final long SNAPSHOT_OVERHEAD_BYTES = 256 * 1024;
    /** Largest replay reservoir, in bytes of heap. */
    private static final long MAX_REPLAY_BYTES = 1L << 30;

    public TrainerConfig {
        classNames = List.copyOf(classNames);
        require(!modelName.isBlank(), MODEL_NAME, "must not be blank");
        require(classNames.size() == network.classes(), CLASS_NAMES,
                "has " + classNames.size() + " names for " + network.classes() + " classes (" + CLASSES + ")");
        require(classNames.stream().noneMatch(String::isBlank), CLASS_NAMES, "contains a blank name");
        require(learning.replayCapacity() * (long) network.inputSize() * Float.BYTES <= MAX_REPLAY_BYTES,
                REPLAY_CAPACITY, "of " + learning.replayCapacity() + " samples of " + network.inputSize()
                        + " features would take more than " + MAX_REPLAY_BYTES + " bytes of heap");
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
        require(s.get(INPUT_SCALE) != 0, INPUT_SCALE, "must not be 0");
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
        LearnerOptions learning = new LearnerOptions(s.get(BATCH_SIZE), s.get(UPDATES_PER_BATCH),
                s.get(REPLAY_CAPACITY), s.get(REPLAY_PER_BATCH), s.get(LEARNING_RATE_MIN),
                s.get(LEARNING_RATE_DECAY_SAMPLES),
                new InputScaling(s.get(INPUT_OFFSET).floatValue(), s.get(INPUT_SCALE).floatValue()), s.get(SEED));
        String dir = s.get(CHECKPOINT_DIR).trim();
        DriftReaction drift = new DriftReaction(DriftReaction.Policy.of(s.get(DRIFT_POLICY)),
                s.get(DRIFT_LEARNING_RATE_FACTOR), s.get(DRIFT_OUTPUT_LEARNING_RATE_FACTOR),
                s.get(DRIFT_BOOST_SAMPLES), s.get(DRIFT_SNAPSHOT_EVERY_SAMPLES), s.get(DRIFT_WATCH_OWN_ERRORS));
        return new TrainerConfig(s.get(MODEL_NAME), network, classNames, learning, s.get(SNAPSHOT_EVERY_SAMPLES),
                Duration.ofMillis(s.get(SNAPSHOT_EVERY_MS)), s.get(GROUP_ID), Duration.ofMillis(s.get(POLL_TIMEOUT_MS)),
                dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir)), drift);
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

    public int batchSize() {
        return learning.batchSize();
    }

    public int inputSize() {
        return network.inputSize();
    }

    public int classes() {
        return network.classes();
    }
}
