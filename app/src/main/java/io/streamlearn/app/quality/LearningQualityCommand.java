package io.streamlearn.app.quality;

import com.google.protobuf.ByteString;
import io.streamlearn.app.cli.SettingsOptions;
import io.streamlearn.app.local.FinalEvaluation;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.dataset.IdxFiles;
import io.streamlearn.ingest.dataset.MnistFetcher;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.learn.OnlineLearner;
import io.streamlearn.trainer.onnx.OnnxExporter;
import io.streamlearn.trainer.service.DriftReaction;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamlearn learning-quality}: streams MNIST's training images in file order, once, through the trainer's
 * learner exactly as the trainer service learns (test-then-train, the configured {@code streamlearn.trainer.*}
 * settings; no Kafka), then scores the final snapshot on the 10,000 test images through ONNX Runtime as the scorer
 * does. With {@code --drift permute} the labels become (y+1) mod 10 from {@code --drift-at}, and {@code --alert-at}
 * simulates the drift alert monitoring would send, to measure how fast the configured drift policy recovers.
 */
@Command(name = "learning-quality", mixinStandardHelpOptions = true,
        description = "Measure online learning on the MNIST stream: prequential accuracy per window, learning "
                + "throughput, the final snapshot's test accuracy through ONNX Runtime, and the reaction to a drift.")
public final class LearningQualityCommand implements Callable<Integer> {
    /** Sliding window of the drift report, as the trainer's own windowed accuracy. */
    private static final int DRIFT_WINDOW = OnlineLearner.WINDOW;
    private static final int DRIFT_STEP = 250;
    private static final int DRIFT_REPORT_SAMPLES = 3000;
    private static final double RECOVERED = 0.9;
    private static final String PERMUTE = "permute";

    @Mixin
    SettingsOptions options = new SettingsOptions();

    @Option(names = "--cache", paramLabel = "DIR", description = "MNIST cache folder (default: ~/.cache/streamlearn/mnist).")
    Path cache;

    @Option(names = "--samples", paramLabel = "N", description = "Stream only the first N training images (default: all).")
    int samples = Integer.MAX_VALUE;

    @Option(names = "--window", paramLabel = "N", defaultValue = "5000",
            description = "Samples per reported accuracy window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--drift", paramLabel = "KIND", defaultValue = "none",
            description = "none, or permute: labels y -> (y+1) mod 10 from --drift-at on (default: ${DEFAULT-VALUE}).")
    String drift;

    @Option(names = "--drift-at", paramLabel = "N", defaultValue = "30000",
            description = "Stream position where the drift starts (default: ${DEFAULT-VALUE}).")
    int driftAt;

    @Option(names = "--alert-at", paramLabel = "N", defaultValue = "-1",
            description = "Stream position where the drift alert of monitoring arrives and the configured "
                    + "streamlearn.trainer.drift.policy acts (default: no alert).")
    int alertAt;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!drift.equals("none") && !drift.equals(PERMUTE)) {
            throw new ParameterException(spec.commandLine(), "--drift must be none or permute, got " + drift);
        }
        TrainerConfig config = TrainerConfig.from(options.load());
        IdxFiles files = new MnistFetcher(cache != null ? cache : MnistFetcher.defaultCacheDir()).fetch();
        Dataset train = files.readTrain();
        Dataset test = files.readTest();
        if (train.inputSize() != config.inputSize() || config.classes() != 10) {
            throw new IllegalArgumentException("MNIST has " + train.inputSize() + " features and 10 classes; the "
                    + "trainer is configured for " + config.inputSize() + " and " + config.classes());
        }
        PrintStream out = System.out;
        int n = Math.min(samples, train.size());
        out.printf("learning-quality: %d MNIST training images in file order, single pass, test-then-train%n", n);
        out.printf("  network   %s%n  learning  %s%n  drift     %s%s%n", config.network(), config.learning(),
                config.drift(), drift.equals(PERMUTE)
                        ? String.format(" (labels permuted from %d, alert at %d)", driftAt, alertAt) : "");

        try (OnlineLearner learner = new OnlineLearner(config.network().build(), config.learning())) {
            boolean[] hits = new boolean[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (i == alertAt) {
                    react(learner, config.drift(), out);
                }
                learner.add(sample(train, i));
                if (learner.isFull()) {
                    learn(learner, hits);
                }
            }
            learn(learner, hits);
            double seconds = (System.nanoTime() - t0) / 1e9;

            report(out, hits, learner, seconds);
            if (drift.equals(PERMUTE) && driftAt < n) {
                reportDrift(out, hits);
            }
            double accuracy = FinalEvaluation.accuracy(snapshot(config, learner), drift.equals(PERMUTE)
                    && driftAt < n ? permuted(test) : test);
            out.printf("final snapshot on the %d test images (ONNX Runtime): accuracy %.4f%n", test.size(), accuracy);
        }
        return 0;
    }

    private Sample sample(Dataset train, int i) {
        int label = train.labels()[i];
        if (drift.equals(PERMUTE) && i >= driftAt) {
            label = (label + 1) % 10;
        }
        Sample.Builder sample = Sample.newBuilder().setId("mnist-train-" + i).setLabel(label);
        for (float f : train.features()[i]) {
            sample.addFeatures(f);
        }
        return sample.build();
    }

    private static void learn(OnlineLearner learner, boolean[] hits) {
        if (learner.buffered() == 0) {
            return;
        }
        learner.learn();
        int n = learner.lastBatchSize();
        int first = (int) learner.samplesLearned() - n;
        for (int row = 0; row < n; row++) {
            hits[first + row] = learner.lastOutcome(row);
        }
    }

    private static void react(OnlineLearner learner, DriftReaction drift, PrintStream out) {
        if (drift.policy() == DriftReaction.Policy.RESET) {
            learner.resetForDrift(drift.learningRateFactor(), drift.outputLearningRateFactor(), drift.boostSamples());
        }
        out.printf("  drift alert at sample %d: policy %s%n", learner.samplesLearned() + learner.buffered(),
                drift.policy());
    }

    private void report(PrintStream out, boolean[] hits, OnlineLearner learner, double seconds) {
        out.printf("prequential accuracy %.4f over %d samples; learning throughput %.0f samples/s (%.1f s)%n",
                learner.prequentialAccuracy(), learner.samplesLearned(), learner.samplesLearned() / seconds, seconds);
        out.printf("accuracy per %d-sample window:%n", window);
        for (int from = 0; from < hits.length; from += window) {
            int to = Math.min(hits.length, from + window);
            out.printf("  %6d-%-6d %.4f%n", from, to, ratio(hits, from, to));
        }
    }

    /** Sliding-window accuracy around the change, and how long until it is back to 90% of the level before it. */
    private void reportDrift(PrintStream out, boolean[] hits) {
        int from = Math.max(0, driftAt - DRIFT_WINDOW);
        double before = ratio(hits, from, driftAt);
        out.printf("drift at %d: %d-sample window accuracy before the change %.4f (90%%: %.4f)%n", driftAt,
                DRIFT_WINDOW, before, RECOVERED * before);
        for (int t = -DRIFT_WINDOW + DRIFT_STEP; t <= DRIFT_REPORT_SAMPLES && driftAt + t <= hits.length; t += DRIFT_STEP) {
            int end = driftAt + t;
            out.printf("  %+5d %.4f%n", t, ratio(hits, Math.max(0, end - DRIFT_WINDOW), end));
        }
        boolean dipped = false;
        for (int end = driftAt + 1; end <= hits.length; end++) {
            double now = ratio(hits, Math.max(0, end - DRIFT_WINDOW), end);
            dipped |= now < RECOVERED * before;
            if (dipped && now >= RECOVERED * before) {
                out.printf("back to >= 90%% of the pre-drift level %d samples after the change%n", end - driftAt);
                return;
            }
        }
        out.printf("not back to >= 90%% of the pre-drift level by the end of the stream%n");
    }

    private static double ratio(boolean[] hits, int from, int to) {
        int correct = 0;
        for (int i = from; i < to; i++) {
            correct += hits[i] ? 1 : 0;
        }
        return to > from ? (double) correct / (to - from) : 0;
    }

    /** The snapshot as the trainer service publishes it (lineage around the exported graph). */
    private static ModelSnapshot snapshot(TrainerConfig config, OnlineLearner learner) {
        byte[] onnx = OnnxExporter.export(learner.network(), learner.inputScaling(), Map.of(
                "model_name", config.modelName(), "model_version", "1",
                "samples_learned", Long.toString(learner.samplesLearned())));
        return ModelSnapshot.newBuilder().setModelName(config.modelName()).setVersion(1)
                .setSamplesLearned(learner.samplesLearned()).setOnnxModel(ByteString.copyFrom(onnx))
                .setCreatedAtMs(System.currentTimeMillis()).setInputSize(config.inputSize())
                .addAllClassNames(config.classNames()).setInputName(OnnxExporter.INPUT_NAME)
                .setOutputName(OnnxExporter.OUTPUT_NAME).build();
    }

    private static Dataset permuted(Dataset test) {
        int[] labels = new int[test.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (test.labels()[i] + 1) % 10;
        }
        return new Dataset(test.name() + "-permuted", test.features(), labels);
    }
}
