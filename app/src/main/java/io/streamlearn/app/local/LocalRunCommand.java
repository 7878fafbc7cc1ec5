package io.streamlearn.app.local;

import io.streamlearn.app.cli.Datasets;
import io.streamlearn.app.cli.SettingsOptions;
import io.streamlearn.app.live.LivePage;
import io.streamlearn.app.live.LiveRecorder;
import io.streamlearn.common.kafka.LatestSnapshot;
import io.streamlearn.common.metrics.MetricsSettings;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.dataset.FashionMnist;
import io.streamlearn.ingest.dataset.IdxFiles;
import io.streamlearn.ingest.dataset.MnistFetcher;
import io.streamlearn.ingest.replay.DriftInjector;
import io.streamlearn.ingest.replay.HttpReplayer;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.service.TrainerService;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamlearn local}: the whole pipeline in one process on an embedded broker, fed with the MNIST
 * training images through the HTTP API, ending with a summary of measured numbers.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline in this process on an embedded Kafka broker: stream the MNIST "
                + "training images through the ingest HTTP API while the trainer learns, the scorer scores and "
                + "monitoring measures, then print a summary (final snapshot scored on the 10,000 test images "
                + "with ONNX Runtime)."})
public final class LocalRunCommand implements Callable<Integer> {
    private static final String SAMPLE = "sample";

    @Mixin
    SettingsOptions settingsOptions = new SettingsOptions();

    @Option(names = "--rate", defaultValue = "2000", paramLabel = "N",
            description = "Samples per second sent to ingest; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--limit", defaultValue = "60000", paramLabel = "N",
            description = "Number of training images to stream (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop streaming after this many seconds; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--drift", paramLabel = "SPEC",
            description = {"Inject concept drift into the stream, e.g. permute:1@30000 (labels y -> (y+1) mod 10 from "
                    + "sample 30,000), switch:fashion@30000 (Fashion-MNIST from there; Debian package "
                    + "dataset-fashion-mnist), rotate:90@30000, prior:0/1/2:0.9@30000. The summary reports when "
                    + "monitoring detected it and when the trainer recovered."})
    String drift;

    @Option(names = "--batch", defaultValue = "500", paramLabel = "N",
            description = "Samples per HTTP request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of the ingest HTTP API; 0 = a free port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--metrics-port", defaultValue = "9400", paramLabel = "PORT",
            description = "Port of /metrics; 0 = a free port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--ui-port", defaultValue = "8090", paramLabel = "PORT",
            description = "Port of the live page (charts of accuracy per model version, drift markers, throughput); "
                    + "0 = a free port (default: ${DEFAULT-VALUE}).")
    int uiPort;

    @Option(names = "--linger", defaultValue = "0", paramLabel = "SECONDS",
            description = "Keep the pipeline and the live page up this long after the summary (default: ${DEFAULT-VALUE}).")
    long lingerSeconds;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the broker and the state stores keep their data (default: a temporary folder, deleted at the end).")
    Path dataDir;

    @Option(names = "--mnist-cache", paramLabel = "DIR",
            description = "Where MNIST is cached (default: ~/.cache/streamlearn/mnist).")
    Path mnistCache;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        IdxFiles mnist = new MnistFetcher(mnistCache != null ? mnistCache : MnistFetcher.defaultCacheDir()).fetch();
        Dataset train = mnist.readTrain();
        Dataset test = mnist.readTest();
        int count = Math.min(limit, train.size());
        boolean tempDir = dataDir == null;
        Path dir = tempDir ? Files.createTempDirectory("streamlearn-local-") : dataDir;
        var settings = settingsOptions.load().withDefaults(Map.of(
                IngestConfig.HTTP_PORT.name(), Integer.toString(httpPort),
                MetricsSettings.PORT.name(), Integer.toString(metricsPort),
                MetricsSettings.HOST.name(), "127.0.0.1",
                TrainerConfig.SNAPSHOT_EVERY_MS.name(), "2000"));
        try (LocalPipeline pipeline = LocalPipeline.start(settings, dir)) {
            Progress progress = new Progress(pipeline, count);
            run(pipeline, progress, train, test, count, started);
        } finally {
            if (tempDir) {
                deleteRecursively(dir);
            }
        }
        return 0;
    }

    private void run(LocalPipeline pipeline, Progress progress, Dataset train, Dataset test, int count, long started)
            throws Exception {
        try (LivePage page = LivePage.start("127.0.0.1", uiPort, recorder(pipeline, progress))) {
            out.printf("streamlearn local run: %d MNIST training images at %s%n  metrics on http://127.0.0.1:%d/metrics,"
                            + " live page on http://127.0.0.1:%d/%n",
                    count, rate > 0 ? (long) rate + " samples/s" : "full speed", pipeline.metricsPort(), page.port());
            DriftInjector injector = drift == null ? DriftInjector.none()
                    : DriftInjector.parse(drift, classes(train),
                    name -> Datasets.trainingSplit(name, mnistCache));
            DriftReport report = DriftReport.withCapacity(200_000);
            long sent;
            double streamSeconds;
            DriftReport.Sampler sampler = new DriftReport.Sampler(report, pipeline.trainer()::samplesLearned,
                    pipeline.trainer()::windowAccuracy);
            try {
                sent = stream(pipeline, train, count, injector, progress, page);
                streamSeconds = progress.elapsedSeconds();
                awaitLearned(pipeline, sent, progress);
            } finally {
                sampler.close();
            }
            ModelSnapshot last = awaitFinalSnapshot(pipeline, sent);
            double testAccuracy = FinalEvaluation.accuracy(last, testOfLastConcept(test, injector));
            printSummary(pipeline, sent, streamSeconds, last, testAccuracy, test.size(),
                    (System.nanoTime() - started) / 1e9);
            printDrift(pipeline, report, sent);
            if (lingerSeconds > 0) {
                out.printf("keeping the pipeline up for %d s (Ctrl-C to stop)%n", lingerSeconds);
                Thread.sleep(Duration.ofSeconds(lingerSeconds).toMillis());
            }
        }
    }

    private static LiveRecorder recorder(LocalPipeline pipeline, Progress progress) {
        return new LiveRecorder(() -> new LiveRecorder.Point(progress.elapsedSeconds(), progress.sent,
                pipeline.trainer().samplesLearned(), pipeline.trainer().windowAccuracy(),
                pipeline.monitoring().accuracy().windowAccuracy(SAMPLE),
                pipeline.monitoring().accuracy().versionAccuracies(SAMPLE),
                pipeline.trainer().lastSnapshotVersion(), pipeline.scorer().currentVersion(),
                DriftReport.errorAlerts(pipeline.monitoring().driftAlerts()).size()));
    }

    private long stream(LocalPipeline pipeline, Dataset train, int count, DriftInjector injector, Progress progress,
                        LivePage page) throws Exception {
        HttpReplayer replayer = new HttpReplayer(pipeline.ingestUri(), batch, rate, HttpReplayer.DEFAULT_MAX_RETRIES);
        long deadline = durationSeconds > 0 ? System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos() : Long.MAX_VALUE;
        long sent = 0;
        // Stream in slices so that --duration can stop between requests.
        int slice = Math.max(batch, 5000);
        for (int from = 0; from < count && System.nanoTime() < deadline; from += slice) {
            long before = sent;
            if (changeIndex() >= from && changeIndex() < from + slice) {
                page.mark("drift injected at " + changeIndex());
            }
            sent += replayer.replay(train, from, Math.min(count, from + slice), injector,
                    (n, elapsed) -> progress.sent(before + n));
        }
        progress.sent(sent);
        progress.print("streamed");
        return sent;
    }

    private void awaitLearned(LocalPipeline pipeline, long sent, Progress progress) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (pipeline.trainer().samplesLearned() < sent) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the trainer learned " + pipeline.trainer().samplesLearned() + " of "
                        + sent + " samples in 5 minutes");
            }
            Thread.sleep(200);
            progress.maybePrint();
        }
        progress.print("learned");
    }

    /**
     * The test images of the concept the stream ends with: after {@code switch:NAME@i} the other dataset's test
     * split; after another drift the test split with the same drift applied.
     */
    private Dataset testOfLastConcept(Dataset test, DriftInjector injector) throws java.io.IOException {
        if (drift == null) {
            return test;
        }
        if (drift.startsWith("switch:")) {
            String name = drift.substring("switch:".length(), drift.lastIndexOf('@'));
            return name.equals("fashion") ? FashionMnist.locate().readTest() : test;
        }
        List<float[]> features = new java.util.ArrayList<>();
        List<Integer> labels = new java.util.ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            DriftInjector.Example e = injector.apply(changeIndex() + i,
                    new DriftInjector.Example(test.features()[i], test.labels()[i]));
            if (e != null) {
                features.add(e.features());
                labels.add(e.label());
            }
        }
        return new Dataset(test.name() + " after " + drift, features.toArray(float[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int classes(Dataset data) {
        return java.util.Arrays.stream(data.labels()).max().orElse(0) + 1;
    }

    /** The sample index where the injected drift starts, -1 without drift. */
    private long changeIndex() {
        return drift == null ? -1 : Long.parseLong(drift.substring(drift.lastIndexOf('@') + 1).trim());
    }

    private void printDrift(LocalPipeline pipeline, DriftReport report, long sent) {
        List<DriftAlert> alerts = DriftReport.errorAlerts(pipeline.monitoring().driftAlerts());
        long change = changeIndex();
        long quietFrom = 5000;
        long falseAlarms = alerts.stream().filter(a -> a.getSourceOffset() >= quietFrom
                && (change < 0 || a.getSourceOffset() < change)).count();
        out.printf("  drift alerts (error rate)          %d in all, %d false alarms between sample %d and %s%n",
                alerts.size(), falseAlarms, quietFrom, change < 0 ? "the end" : "the change");
        if (change < 0) {
            return;
        }
        double before = report.accuracyAt(change);
        out.printf("  drift injected                     %s at sample %d; trainer window accuracy before: %.4f%n",
                drift, change, before);
        alerts.stream().filter(a -> a.getSourceOffset() >= change).findFirst().ifPresentOrElse(
                a -> out.printf("  drift detected                     %d samples after the change (%s, sample %d)%n",
                        a.getSourceOffset() - change, a.getDetector(), a.getSourceOffset()),
                () -> out.println("  drift detected                     not detected"));
        report.recoveredAt(change, before).ifPresentOrElse(
                at -> out.printf("  recovered                          %d samples after the change (window accuracy "
                        + ">= %.0f%% of before, at sample %d, read every 20 ms)%n", at - change,
                        DriftReport.RECOVERED * 100, at),
                () -> out.printf("  recovered                          not within the %d samples streamed after the "
                        + "change; window accuracy at the end %.4f%n", sent - change, report.accuracyAt(sent)));
        for (long after : new long[] {1500, 5000}) {
            out.printf("  window accuracy %5d after change  %.4f%n", after, report.accuracyAt(change + after));
        }
    }

    /** The published snapshot that has learned every streamed sample, read back from the models topic. */
    private ModelSnapshot awaitFinalSnapshot(LocalPipeline pipeline, long sent) throws Exception {
        String model = pipeline.modelName();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var latest = LatestSnapshot.read(pipeline.kafka(), model, Duration.ofSeconds(30));
            if (latest.isPresent() && latest.get().getSamplesLearned() >= sent) {
                return latest.get();
            }
            Thread.sleep(500);
        }
        throw new TimeoutException("no snapshot of model " + model + " covering all " + sent + " samples within 60 s");
    }

    private void printSummary(LocalPipeline pipeline, long sent, double streamSeconds, ModelSnapshot last,
                              double testAccuracy, int testSize, double wallSeconds) {
        TrainerService trainer = pipeline.trainer();
        AccuracyTracker accuracy = pipeline.monitoring().accuracy();
        out.println();
        out.println("summary");
        out.printf("  samples streamed through HTTP      %d in %.1f s (%.0f samples/s)%n", sent, streamSeconds,
                sent / streamSeconds);
        out.printf("  samples learned                    %d in %d mini-batches%n", trainer.samplesLearned(), trainer.batches());
        out.printf("  snapshots published                %d (final v%d, %d samples learned)%n",
                trainer.snapshotsPublished(), last.getVersion(), last.getSamplesLearned());
        out.printf("  prequential accuracy, trainer      %.4f (test-then-train on every learned sample)%n",
                trainer.prequentialAccuracy());
        out.printf("  prequential accuracy, scorer       %.4f (%d samples scored before the model had learned them)%n",
                accuracy.overallAccuracy(SAMPLE), accuracy.evaluated(SAMPLE));
        out.printf("  final snapshot on %s test set   %.4f (%d images, ONNX Runtime%s)%n",
                drift != null && drift.startsWith("switch:fashion") ? "Fashion" : "MNIST", testAccuracy, testSize,
                drift == null ? "" : ", labeled as the stream's last concept");
        long champion = pipeline.scorer().currentVersion();
        out.printf("  scorer champion                    v%d%s%n", champion, champion < last.getVersion()
                ? " (newer snapshots wait as candidates until they have scored enough labeled samples)" : "");
        out.printf("  dead letters                       %d%n", trainer.deadLetters());
        out.printf("  wall time                          %.1f s%n", wallSeconds);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Periodic progress lines: what was sent, learned and scored, and the rolling accuracies. */
    private final class Progress {
        private static final long INTERVAL_NANOS = Duration.ofSeconds(3).toNanos();
        private final LocalPipeline pipeline;
        private final int total;
        private final long start = System.nanoTime();
        private long lastPrint = start;
        private volatile long sent;

        Progress(LocalPipeline pipeline, int total) {
            this.pipeline = pipeline;
            this.total = total;
        }

        void sent(long n) {
            sent = n;
            maybePrint();
        }

        double elapsedSeconds() {
            return (System.nanoTime() - start) / 1e9;
        }

        synchronized void maybePrint() {
            if (System.nanoTime() - lastPrint >= INTERVAL_NANOS) {
                print("");
            }
        }

        synchronized void print(String tag) {
            lastPrint = System.nanoTime();
            TrainerService t = pipeline.trainer();
            AccuracyTracker a = pipeline.monitoring().accuracy();
            out.printf("[%6.1fs] sent %6d/%d  learned %6d  trainer acc(last 1000) %s  scorer acc(last 1000) %s  "
                            + "snapshot v%d  scoring v%d %s%n",
                    elapsedSeconds(), sent, total, t.samplesLearned(), format(t.windowAccuracy()),
                    format(a.windowAccuracy(SAMPLE)), t.lastSnapshotVersion(), pipeline.scorer().currentVersion(), tag);
        }

        private static String format(double v) {
            return Double.isNaN(v) ? "  -   " : String.format("%.4f", v);
        }
    }
}
