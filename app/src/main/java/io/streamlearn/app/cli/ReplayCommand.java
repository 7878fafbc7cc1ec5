package io.streamlearn.app.cli;

import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.dataset.FashionMnist;
import io.streamlearn.ingest.dataset.IdxFiles;
import io.streamlearn.ingest.dataset.IdxReader;
import io.streamlearn.ingest.dataset.MnistFetcher;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.ingest.replay.DriftInjector;
import io.streamlearn.ingest.replay.HttpReplayer;
import io.streamlearn.ingest.replay.KafkaReplayer;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamlearn replay}: stream a labeled dataset as samples into the ingest HTTP API or straight into Kafka. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Stream a dataset (MNIST, Fashion-MNIST or an IDX image/label pair) as samples into the ingest "
                + "HTTP API, or straight into Kafka with --kafka, optionally with drift injected.")
public final class ReplayCommand implements Callable<Integer> {
    enum Source { mnist, fashion, idx }

    enum Split { train, test }

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Ingest base URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--dataset", defaultValue = "mnist", description = "mnist, fashion or idx (default: ${DEFAULT-VALUE}).")
    Source dataset;

    @Option(names = "--split", defaultValue = "train", description = "train or test (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--images", paramLabel = "FILE", description = "IDX image file (with --dataset idx).")
    Path images;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX label file (with --dataset idx).")
    Path labels;

    @Option(names = "--rate", defaultValue = "0", description = "Samples per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--batch", defaultValue = "500", description = "Samples per request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", defaultValue = "0", description = "Send at most this many samples; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--drift", paramLabel = "SPEC",
            description = "Inject drift: permute:SHIFT@N, rotate:DEGREES@N, prior:C1/C2:PROBABILITY@N, "
                    + "switch:fashion@N (several joined with +).")
    String drift;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP",
            description = "Produce straight to the samples topic of this Kafka cluster instead of the HTTP API.")
    String kafka;

    @Override
    public Integer call() throws Exception {
        Dataset data = load();
        int to = limit > 0 ? Math.min(limit, data.size()) : data.size();
        DriftInjector injector = drift == null ? DriftInjector.none() : DriftInjector.parse(drift,
                java.util.Arrays.stream(data.labels()).max().orElse(0) + 1, name -> Datasets.trainingSplit(name, null));
        long[] lastPrint = {0};
        HttpReplayer.Progress progress = (n, elapsed) -> {
            if (elapsed.toMillis() - lastPrint[0] >= 2000 || n == to) {
                lastPrint[0] = elapsed.toMillis();
                System.out.printf("[%6.1fs] %d/%d samples sent (%.0f/s)%n", elapsed.toMillis() / 1000.0, n, to,
                        n / Math.max(1e-3, elapsed.toMillis() / 1000.0));
            }
        };
        long sent;
        if (kafka != null) {
            try (KafkaReplayer replayer = new KafkaReplayer(KafkaSettings.local(kafka, 1), batch, rate)) {
                sent = replayer.replay(data, 0, to, injector, progress);
            }
        } else {
            sent = new HttpReplayer(url, batch, rate, HttpReplayer.DEFAULT_MAX_RETRIES)
                    .replay(data, 0, to, injector, progress);
        }
        System.out.printf("replayed %d samples of %s to %s%n", sent, data.name(), kafka != null ? kafka : url);
        return 0;
    }

    private Dataset load() throws Exception {
        IdxFiles files = switch (dataset) {
            case mnist -> new MnistFetcher(MnistFetcher.defaultCacheDir()).fetch();
            case fashion -> FashionMnist.locate();
            case idx -> null;
        };
        if (files == null) {
            if (images == null || labels == null) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--dataset idx needs --images and --labels");
            }
            return IdxReader.read(images.getFileName().toString(), images, labels);
        }
        return split == Split.train ? files.readTrain() : files.readTest();
    }
}
