package io.streamlearn.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Command line of {@link BenchmarkMain}: which stages run, how long, and where the table goes.
 *
 * @param quick   short windows and small backlogs: a smoke run whose table is printed but not written
 * @param longRun the memory run lasts 10 minutes instead of 2
 * @param only    the stages to run (all when empty)
 * @param out     the Markdown document whose generated section is replaced
 * @param python  the PyTorch peer script
 * @param workDir scratch space (state directories, child process logs)
 * @param latencyRate events/s for the latency rows instead of half the scorer's sustainable rate; NaN when not given
 */
public record Options(boolean quick, boolean longRun, Set<String> only, Path out, Path python, Path workDir,
                      double latencyRate) {
    public static final List<String> STAGES = List.of("training", "inference", "scoring", "latency", "swap", "ingest",
            "memory");
    static final String USAGE = """
            usage: BenchmarkMain [--quick] [--long] [--only STAGE,...] [--out FILE] [--python FILE] [--work DIR]
                                 [--latency-rate EVENTS_PER_S]
              --quick   smoke run: short windows, small backlogs; prints the table, writes nothing
              --long    memory run of 10 minutes instead of 2
              --only    stages among %s (default: all)
              --out     Markdown file whose generated section is replaced (default docs/benchmarks.md)
              --python  the PyTorch peer (default bench/python/torch_peer.py)
              --work    scratch directory (default bench/target/benchmark)
              --latency-rate  events/s for the latency rows (default: half the scorer's measured sustainable rate)""".formatted(STAGES);

    public static Options parse(String[] args) {
        boolean quick = false;
        boolean longRun = false;
        Set<String> only = Set.of();
        Path out = Path.of("docs/benchmarks.md");
        Path python = Path.of("bench/python/torch_peer.py");
        Path work = Path.of("bench/target/benchmark");
        double latencyRate = Double.NaN;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--long" -> longRun = true;
                case "--only" -> only = Set.copyOf(Arrays.asList(value(args, ++i).split(",")));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--python" -> python = Path.of(value(args, ++i));
                case "--work" -> work = Path.of(value(args, ++i));
                case "--latency-rate" -> latencyRate = positive(args[i], value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        for (String stage : only) {
            if (!STAGES.contains(stage)) {
                throw new IllegalArgumentException("unknown stage " + stage + "\n" + USAGE);
            }
        }
        return new Options(quick, longRun, only, out, python, work, latencyRate);
    }

    private static double positive(String option, String value) {
        String problem = option + " needs a positive number, got '" + value + "'\n" + USAGE;
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(problem, e);
        }
        if (!(v > 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException(problem);
        }
        return v;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    public boolean runs(String stage) {
        return only.isEmpty() || only.contains(stage);
    }

    /** Seconds, shortened for a quick run. */
    double seconds(double normal) {
        return quick ? Math.max(0.3, normal / 5) : normal;
    }

    /** A count, shortened for a quick run. */
    int count(int normal) {
        return quick ? Math.max(1, normal / 6) : normal;
    }
}
