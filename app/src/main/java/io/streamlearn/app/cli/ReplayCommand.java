package io.streamlearn.app.cli;

import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.dataset.FashionMnist;
import io.streamlearn.ingest.dataset.IdxFiles;
import io.streamlearn.ingest.dataset.IdxReader;
import io.streamlearn.ingest.dataset.MnistFetcher;
import io.streamlearn.ingest.replay.HttpReplayer;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamlearn replay}: stream a labeled dataset into the ingest HTTP API as samples. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Stream a dataset (MNIST, Fashion-MNIST or an IDX image/label pair) into the ingest HTTP API as samples.")
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

    @Override
    public Integer call() throws Exception {
        Dataset data = load();
        int to = limit > 0 ? Math.min(limit, data.size()) : data.size();
        HttpReplayer replayer = new HttpReplayer(url, batch, rate, HttpReplayer.DEFAULT_MAX_RETRIES);
        long[] lastPrint = {0};
        long sent = replayer.replay(data, 0, to, (n, elapsed) -> {
            if (elapsed.toMillis() - lastPrint[0] >= 2000 || n == to) {
                lastPrint[0] = elapsed.toMillis();
                System.out.printf("[%6.1fs] %d/%d samples sent (%.0f/s)%n", elapsed.toMillis() / 1000.0, n, to,
                        n / Math.max(1e-3, elapsed.toMillis() / 1000.0));
            }
        });
        System.out.printf("replayed %d samples of %s to %s%n", sent, data.name(), url);
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
