package io.streamlearn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The scratch directory: emptied at the start, so that no state of an earlier run leaks into this one. */
final class WorkDir {
    private WorkDir() {
    }

    static void recreate(Path dir) {
        try {
            if (Files.exists(dir)) {
                List<Path> all;
                try (Stream<Path> walk = Files.walk(dir)) {
                    all = walk.sorted(Comparator.reverseOrder()).toList();
                }
                for (Path p : all) {
                    Files.delete(p);
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the scratch directory " + dir, e);
        }
    }
}
