package io.streamlearn.bench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.bench.report.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bench/python/torch_peer.py} (PyTorch on the same network, data shape and thread count) and reads
 * the JSON line it prints. The interpreter is {@code /usr/bin/python3} (Debian's, which has python3-torch) unless
 * {@code STREAMLEARN_BENCH_PYTHON} names another; the child inherits this JVM's environment, so it runs with the
 * same OMP_NUM_THREADS and OPENBLAS_* settings as ND4J.
 */
public final class TorchPeer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path script;
    private final String python;

    public TorchPeer(Path script) {
        this.script = script;
        String configured = System.getenv("STREAMLEARN_BENCH_PYTHON");
        this.python = configured == null || configured.isBlank() ? "/usr/bin/python3" : configured;
    }

    /** What one peer run measured: samples per second and per CPU-second, its peak RSS, and the BLAS it had loaded. */
    public record Result(Stats rates, Stats cpuRates, long peakRssKb, String torchVersion, int threads, String blas) {
    }

    public Result train(int batch, int reps, double seconds, double warmup) {
        return run("train", batch, reps, seconds, warmup);
    }

    public Result infer(int batch, int reps, double seconds, double warmup) {
        return run("infer", batch, reps, seconds, warmup);
    }

    private Result run(String mode, int batch, int reps, double seconds, double warmup) {
        JsonNode out = execute(List.of(mode, "--batch", Integer.toString(batch), "--reps", Integer.toString(reps),
                "--seconds", String.format(Locale.ROOT, "%.2f", seconds),
                "--warmup", String.format(Locale.ROOT, "%.2f", warmup)), (long) (warmup + reps * seconds) + 60);
        return new Result(stats(out.get("rates")), stats(out.get("cpu_rates")), out.get("vmhwm_kb").asLong(), out.get("torch").asText(),
                out.get("threads").asInt(), describeBlas(out.get("blas")));
    }

    private static Stats stats(JsonNode values) {
        List<Double> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asDouble()));
        return Stats.of(out);
    }

    /**
     * What each OpenBLAS library file reports about itself when loaded in a process with this environment:
     * version and build, the kernel it picks for this CPU, its thread count. Used for ND4J's own copy.
     */
    public String describeOpenBlas(List<Path> libraries) {
        if (libraries.isEmpty()) {
            return "no OpenBLAS mapped";
        }
        List<String> args = new ArrayList<>(List.of("openblas", "--lib"));
        libraries.forEach(l -> args.add(l.toString()));
        JsonNode out = execute(args, 60);
        List<String> described = new ArrayList<>();
        out.properties().forEach(e -> described.add(e.getValue().get("openblas_config").asText() + "; kernel "
                + e.getValue().get("openblas_corename").asText() + ", " + e.getValue().get("openblas_threads").asText()
                + " thread(s) (" + e.getKey() + ")"));
        return String.join("; ", described);
    }

    private static String describeBlas(JsonNode blas) {
        List<String> mapped = new ArrayList<>();
        blas.get("mapped").forEach(m -> mapped.add(m.asText()));
        String core = blas.has("openblas_corename") ? blas.get("openblas_corename").asText() : "?";
        String threads = blas.has("openblas_threads") ? blas.get("openblas_threads").asText() : "?";
        String config = blas.has("openblas_config") ? blas.get("openblas_config").asText() : "no OpenBLAS found";
        return config + "; kernel " + core + ", " + threads + " thread(s); torch BLAS_INFO="
                + blas.get("torch_blas_info").asText() + "; mapped " + String.join(", ", mapped);
    }

    private JsonNode execute(List<String> args, long timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(args);
        try {
            Path stderr = Files.createTempFile("torch-peer-", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
                byte[] stdout = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the PyTorch peer did not finish within " + timeoutSeconds + " s");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("the PyTorch peer " + command + " failed with exit code "
                            + p.exitValue() + ": " + Files.readString(stderr));
                }
                return JSON.readTree(new String(stdout, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the PyTorch peer " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the PyTorch peer ran", e);
        }
    }
}
