package io.streamlearn.app.cli;

import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.dataset.FashionMnist;
import io.streamlearn.ingest.dataset.MnistFetcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The datasets a drift specification may name ({@code switch:fashion@N}): their training split. */
public final class Datasets {
    private Datasets() {
    }

    public static Dataset trainingSplit(String name, Path mnistCache) {
        try {
            return switch (name) {
                case "fashion" -> FashionMnist.locate().readTrain();
                case "mnist" -> new MnistFetcher(mnistCache != null ? mnistCache : MnistFetcher.defaultCacheDir())
                        .fetch().readTrain();
                default -> throw new IllegalArgumentException("unknown dataset '" + name + "'; use fashion or mnist");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load dataset " + name, e);
        }
    }
}
