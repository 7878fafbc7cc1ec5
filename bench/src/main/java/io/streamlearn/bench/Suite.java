package io.streamlearn.bench;

import io.streamlearn.bench.data.Snapshots;
import io.streamlearn.bench.memory.MemoryBench;
import io.streamlearn.bench.peer.TorchPeer;
import io.streamlearn.bench.report.Format;
import io.streamlearn.bench.report.Row;
import io.streamlearn.bench.report.Stats;
import io.streamlearn.bench.report.Target;
import io.streamlearn.bench.stage.InferenceBench;
import io.streamlearn.bench.stage.IngestBench;
import io.streamlearn.bench.stage.LatencyBench;
import io.streamlearn.bench.stage.Publisher;
import io.streamlearn.bench.stage.Quiescence;
import io.streamlearn.bench.stage.ScoringBench;
import io.streamlearn.bench.stage.SustainableRate;
import io.streamlearn.bench.stage.SwapBench;
import io.streamlearn.bench.stage.Timing;
import io.streamlearn.bench.stage.TrainingBench;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.embedded.EmbeddedKafka;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.topology.ScorerTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark's stages in order and collects the table's rows, the notes they point to and the context
 * the document states (the BLAS each side loaded, the rates chosen). Each stage puts ours and its peer side by
 * side within the same run.
 */
final class Suite {
    private static final Logger log = LoggerFactory.getLogger(Suite.class);
    private static final int REPS = 3;
    /** For the latency segments and ingest windows, whose single values spread most on a shared 2-core machine. */
    private static final int SPREAD_REPS = 5;
    private static final int PARTITIONS = 3;
    /**
     * The ingest row's warm-up per side. Earlier rows warm the broker, not the API's request path, whose rate rose for
     * about 100 s of ingest load in a fresh JVM; 40 s of each side (80 s of the run) is a compromise with run time,
     * and enough for the row alone ({@code --only ingest}) to measure a full run's rates.
     */
    private static final double INGEST_WARMUP_SECONDS = 40;
    /**
     * The Kafka rows write about 45 GB and truncate their topics between runs, so the broker deletes rolled segments
     * once a partition holds more than 1 GiB (about two of Kafka's 1 GiB segments at most). Smaller segments roll,
     * and are flushed, more often: with 128 MiB ones the at-least-once p99 was 18.8 and 23.1 ms in two full runs.
     */
    private static final Map<String, String> BROKER_RETENTION = Map.of(
            "log.retention.bytes", Long.toString(1L << 30),
            "log.retention.check.interval.ms", "2000",
            "log.segment.delete.delay.ms", "1000");
    private static final double DEFAULT_LATENCY_RATE = 2000;
    /** A rate both applications sustain on this machine, whatever the scoring row measured. */
    private static final double FIXED_LATENCY_RATE = 10_000;
    private static final String ALO = ScorerConfig.AT_LEAST_ONCE;
    private static final String EOS = ScorerConfig.EXACTLY_ONCE_V2;
    /** The latency rows' comparison: the streams producer without linger (the scorer's default lingers 1 ms). */
    private static final int COMPARED_LINGER_MS = 0;

    private final Options options;
    private final TorchPeer torch;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final Map<String, String> context = new LinkedHashMap<>();
    private double scorerMaxRate = Double.NaN;
    private double sustainableRate = Double.NaN;
    private long torchTrainingPeakKb;
    private long nextVersion = 1;

    Suite(Options options) {
        this.options = options;
        this.torch = new TorchPeer(options.python());
    }

    List<Row> rows() {
        return rows;
    }

    Map<String, String> notes() {
        return notes;
    }

    Map<String, String> context() {
        return context;
    }

    void run() {
        WorkDir.recreate(options.workDir());
        if (options.runs("training")) {
            training();
        }
        if (options.runs("inference")) {
            inference();
        }
        if (options.runs("scoring") || options.runs("latency") || options.runs("swap") || options.runs("ingest")) {
            context.put("Kafka broker", "one node in this JVM (EmbeddedKafka), " + PARTITIONS + " partitions per topic; "
                    + "broker settings over EmbeddedKafka's: " + new TreeMap<>(BROKER_RETENTION));
            try (EmbeddedKafka broker = EmbeddedKafka.start(BROKER_RETENTION)) {
                KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), PARTITIONS);
                TopicAdmin.ensureTopics(kafka, Topics.ALL, Duration.ofSeconds(60));
                kafkaStages(kafka);
            }
        }
        if (options.runs("memory")) {
            memory();
        }
    }

    private void training() {
        double seconds = options.seconds(3);
        for (int batch : new int[] {32, 128}) {
            log.info("training, mini-batch {}: ours", batch);
            Timing.Rates ours = TrainingBench.run(batch, REPS, seconds, options.seconds(4));
            log.info("training, mini-batch {}: PyTorch", batch);
            TorchPeer.Result peer = torch.train(batch, REPS, seconds, options.seconds(2));
            if (batch == 32) {
                torchTrainingPeakKb = peer.peakRssKb();
                context.put("PyTorch", "torch " + peer.torchVersion() + " (Debian python3-torch), "
                        + peer.threads() + " intra-op thread(s); BLAS: " + peer.blas());
            }
            rows.add(new Row("Training, mini-batch " + batch, "samples/s", ours.wall(), "PyTorch", peer.rates(),
                    Target.ratioAtLeast(1.0), "1"));
            rows.add(new Row("Training, mini-batch " + batch, "samples/CPU-s", ours.cpu(), "PyTorch", peer.cpuRates(),
                    Target.NONE, "1"));
        }
        context.put("ND4J", TrainingBench.describeBlas() + "; BLAS library: "
                + torch.describeOpenBlas(TrainingBench.mappedOpenBlas()));
        notes.put("1", "OnlineLearner.add() per sample (copies the protobuf's features) then learn(): one training "
                + "step (forward, cross-entropy, backward, Adam: the learner's in-place dense step on the DL4J "
                + "network's own parameters and optimizer state) whose forward pass also gives the predictions counted "
                + "as hits, on the trainer's default network 784-100 ReLU-10 softmax. PyTorch does the same per batch: "
                + "forward, argmax hits from those logits, cross-entropy, backward, Adam step; one thread each; random "
                + "784-dim inputs and 10 classes, " + fmt(seconds) + " s per repetition after a warm-up.");
    }

    private void inference() {
        ModelSnapshot snapshot = Snapshots.fresh(1);
        double seconds = options.seconds(1.5);
        for (int batch : new int[] {1, 64}) {
            log.info("inference, batch {}", batch);
            Timing.Rates[] ortSide = InferenceBench.run(snapshot, batch, REPS, seconds, options.seconds(2));
            TorchPeer.Result peer = torch.infer(batch, REPS, seconds, options.seconds(1));
            String stage = "Inference, batch " + batch;
            rows.add(new Row(stage, "rows/s", ortSide[0].wall(), "bare OrtSession.run", ortSide[1].wall(),
                    Target.NONE, "3"));
            rows.add(new Row(stage, "rows/s", ortSide[0].wall(), "PyTorch", peer.rates(), Target.NONE, "3"));
            rows.add(new Row(stage, "rows/CPU-s", ortSide[0].cpu(), "PyTorch", peer.cpuRates(), Target.NONE, "3"));
        }
        notes.put("3", "OnnxModel.predict(float[][]) (the scorer's path: copy rows into a tensor, run, read the "
                + "probabilities back) beside OrtSession.run on the same model bytes with the same session options "
                + "(1 intra-op, 1 inter-op thread) on a pre-filled direct buffer, alternating " + fmt(seconds)
                + " s windows; PyTorch: the same network's no-grad forward + softmax (its own random weights).");
    }

    private void kafkaStages(KafkaSettings kafka) {
        Path state = options.workDir().resolve("state");
        ModelSnapshot snapshot = Snapshots.fresh(nextVersion);
        publishInitial(kafka, snapshot);
        if (options.runs("scoring")) {
            scoring(kafka, state);
        }
        if (options.runs("latency")) {
            latency(kafka, state);
        }
        if (options.runs("swap")) {
            swap(kafka, state, snapshot);
        }
        if (options.runs("ingest")) {
            ingest(kafka);
        }
    }

    private void publishInitial(KafkaSettings kafka, ModelSnapshot snapshot) {
        try (Publisher publisher = Publisher.open(kafka)) {
            publisher.publish(snapshot);
        }
        nextVersion++;
    }

    private void scoring(KafkaSettings kafka, Path state) {
        int backlog = options.count(150_000); // about 4 s per run at the scorer's rate: a shorter run is mostly noise
        double produced = ScoringBench.produceBacklog(kafka, backlog);
        log.info("scoring: {} events of backlog produced in {} s", backlog, fmt(produced));
        Stats[] r = ScoringBench.run(kafka, state, EOS, REPS);
        scorerMaxRate = r[0].median();
        rows.add(new Row("Scoring through Kafka", "events/s", r[0], "pass-through Streams app", r[1],
                Target.ratioAtLeast(0.9), "2"));
        notes.put("2", "A backlog of " + backlog + " events (784 features, 3 partitions) consumed from `events` "
                + "to `predictions` by ScorerService (its defaults: exactly_once_v2, commit interval 100 ms, "
                + "micro-batches of up to 64; promotion off) and by a pass-through Kafka Streams app copying key and "
                + "value bytes with the scorer's own streams properties; each run under a fresh application id, "
                + "alternating; the rate is taken from the group's committed offsets between its first and last "
                + "commit (start-up excluded). Both run in the benchmark JVM beside the broker.");
    }

    private void latency(KafkaSettings kafka, Path state) {
        double drainHalf = Double.isNaN(scorerMaxRate) ? Double.NaN : Math.floor(scorerMaxRate / 2);
        double rate = Double.isNaN(options.latencyRate()) ? halfSustainable(kafka, state, drainHalf)
                : options.latencyRate();
        LatencyBench.Plan plan = new LatencyBench.Plan(rate, options.seconds(4), SPREAD_REPS, options.seconds(4));
        KafkaSettings otherLinger = new KafkaSettings(kafka.bootstrapServers(), kafka.partitions(),
                kafka.replicationFactor(), Map.of(ScorerTopology.PRODUCER_LINGER_MS, Integer.toString(COMPARED_LINGER_MS)));
        latencyRows(kafka, state, ALO, plan, "", Target.oursAtMost(20, "ms"));
        latencyRows(kafka, state, EOS, plan, "", Target.NONE);
        latencyRows(otherLinger, state, ALO, plan, ", linger " + COMPARED_LINGER_MS + " ms", Target.NONE);
        LatencyBench.Plan fixed = new LatencyBench.Plan(FIXED_LATENCY_RATE, plan.warmupSeconds(), plan.segments(),
                plan.segmentSeconds());
        latencyRows(kafka, state, ALO, fixed, ", " + fmt(FIXED_LATENCY_RATE) + "/s", Target.NONE);
        if (Double.isNaN(options.latencyRate()) && !Double.isNaN(drainHalf)) {
            LatencyBench.Plan drain = new LatencyBench.Plan(drainHalf, plan.warmupSeconds(), plan.segments(),
                    plan.segmentSeconds());
            latencyRows(kafka, state, ALO, drain, ", " + fmt(drainHalf) + "/s (half the drain rate)", Target.NONE);
        }
        notes.put("5", "Events produced at " + fmt(rate) + "/s (" + latencyRateOrigin() + ") by an "
                + "idempotent producer with linger.ms 1; latency from handing the event to the producer to a "
                + "consumer of `predictions` seeing its prediction (read_committed under exactly_once_v2, "
                + "read_uncommitted under at_least_once). " + fmt(plan.warmupSeconds()) + " s warm-up, then "
                + plan.segments() + " segments of " + fmt(plan.segmentSeconds()) + " s, each with its own percentiles. "
                + "Before each application's run the page cache's dirty pages are written back (`sync`): the broker "
                + "writes to this machine's disk, and the write-back of the run before would fall into this one. "
                + "Then each run waits until the cores were at most " + Math.round(Quiescence.QUIET * 100)
                + "% busy over a second (at most " + Quiescence.MAX_WAIT_MS / 1000 + " s; the context above gives "
                + "the share before each run), so that work left over from the run before does not fall into this "
                + "one. "
                + "Scorer with its defaults otherwise (commit interval 100 ms, batches of up to "
                + ScorerConfig.Batching.DEFAULT.maxSize() + " within " + ScorerConfig.Batching.DEFAULT.maxWaitMs()
                + " ms, streams producer linger.ms " + ScorerTopology.PRODUCER_LINGER_DEFAULT_MS + ", max.task.idle.ms "
                + "-1); the pass-through runs with the same streams properties. 'linger " + COMPARED_LINGER_MS
                + " ms': both applications' Kafka Streams producers configured with linger.ms=" + COMPARED_LINGER_MS
                + " through streamlearn.kafka.client." + ScorerTopology.PRODUCER_LINGER_MS + " (the scorer's default until "
                + "2026-11-29: ~150-byte predictions never fill a producer batch, so a linger is added whole to each "
                + "prediction, but without one each task's micro-batch leaves in its own produce request; Kafka "
                + "Streams' own default is 100 ms). The '" + fmt(FIXED_LATENCY_RATE) + "/s' rows run the same "
                + "at-least-once setup at a fixed rate, for comparison across runs. The 'half the drain rate' rows "
                + "run it at half the scorer's rate in row 'Scoring' (the rule of earlier runs): that rate drains a "
                + "backlog with no live producer or consumer, and live in this JVM it can saturate the machine for "
                + "both applications (compare row 'Sustainable rate').");
    }

    /** Half the scorer's sustainable rate, with a row comparing it to the pass-through's; a default if none. */
    private double halfSustainable(KafkaSettings kafka, Path state, double drainHalf) {
        double start = Double.isNaN(drainHalf) ? FIXED_LATENCY_RATE : drainHalf;
        SustainableRate.Plan plan = new SustainableRate.Plan(options.seconds(2), options.seconds(5));
        log.info("sustainable rate at {}, from {} events/s", ALO, fmt(start));
        SustainableRate.Result ours = SustainableRate.scorer(kafka, state, ALO, start, plan, "scorer");
        SustainableRate.Result peer = SustainableRate.passThrough(kafka, state, ALO, start, plan, "peer");
        rows.add(new Row("Sustainable rate, live, " + ALO, "events/s", Stats.of(ours.rate()),
                "pass-through Streams app", Stats.of(peer.rate()), Target.NONE, "8"));
        notes.put("8", "The highest offered rate at which the end-to-end latency does not keep growing (the "
                + "definition of Karimov et al., ICDE 2018), with the latency rows' load generator, broker and "
                + "predictions consumer in the same JVM: probes of " + fmt(plan.warmupSeconds()) + " s warm-up and "
                + fmt(plan.seconds()) + " s measured, from " + fmt(start) + "/s, stepping x1.25 up while "
                + "sustained or down while not, then once between. Sustained: the generator kept >= 99% of its "
                + "schedule, every event got its prediction within 1 s of the end, and the latency's least-squares "
                + "slope over the measured part was <= 0.02 s/s. Probes (rate: slope): scorer " + describe(ours)
                + "; pass-through " + describe(peer) + ".");
        sustainableRate = ours.rate();
        return Double.isNaN(ours.rate()) ? DEFAULT_LATENCY_RATE : Math.floor(ours.rate() / 2);
    }

    private static String describe(SustainableRate.Result r) {
        return r.probes().stream()
                .map(p -> fmt(p.rate()) + ": " + (p.sustained() ? "" : "not ")
                        + String.format(Locale.ROOT, "sustained (%.3f)", p.slope()))
                .collect(Collectors.joining(", "));
    }

    private String latencyRateOrigin() {
        if (!Double.isNaN(options.latencyRate())) {
            return "given by --latency-rate";
        }
        return Double.isNaN(sustainableRate) ? "a default: no rate was sustained"
                : "half the scorer's sustainable rate, row 'Sustainable rate'";
    }

    private void latencyRows(KafkaSettings kafka, Path state, String guarantee, LatencyBench.Plan plan,
                             String variant, Target p99Target) {
        String id = guarantee + variant.replaceAll("[^a-z0-9]", "");
        log.info("latency, {}{}, {} events/s", guarantee, variant, fmt(plan.rate()));
        LatencyBench.Result ours = LatencyBench.scorer(kafka, state, guarantee, plan, "scorer-" + id);
        LatencyBench.Result peer = LatencyBench.passThrough(kafka, state, guarantee, plan, "peer-" + id);
        String stage = "Latency, " + guarantee + variant;
        String peerName = "pass-through Streams app";
        rows.add(new Row(stage, "p50 ms", ours.p50(), peerName, peer.p50(), Target.NONE, "5"));
        rows.add(new Row(stage, "p99 ms", ours.p99(), peerName, peer.p99(), p99Target, "5"));
        rows.add(new Row(stage, "p99.9 ms", ours.p999(), peerName, peer.p999(), Target.NONE, "5"));
        context.put("latency " + guarantee + variant, ours.measured() + " events measured for the scorer ("
                + ours.missing() + " without a prediction), " + peer.measured() + " for the pass-through ("
                + peer.missing() + " missing); cores " + Format.percent(ours.busyAtStart()) + " / "
                + Format.percent(peer.busyAtStart()) + " busy in the second before each run");
    }

    private void swap(KafkaSettings kafka, Path state, ModelSnapshot snapshot) {
        double rate = Double.isNaN(scorerMaxRate) ? 1000 : Math.min(1000, Math.floor(scorerMaxRate / 4));
        int perSegment = options.quick() ? 3 : 8;
        long interval = 700;
        nextVersion += 1;
        SwapBench.Result r = SwapBench.run(kafka, state, EOS, snapshot, nextVersion, rate, perSegment, REPS, interval);
        nextVersion += (long) perSegment * REPS;
        rows.add(new Row("Model swap", "p50 ms", r.swapP50(), "event latency p50, same run", r.events().p50(),
                Target.NONE, "6"));
        rows.add(new Row("Model swap", "p99 ms", r.swapP99(), "event latency p99, same run", r.events().p99(),
                Target.NONE, "6"));
        notes.put("6", r.swaps() + " snapshots (the default network, " + snapshot.getOnnxModel().size() / 1024
                + " KiB of ONNX) published " + interval
                + " ms apart while events stream at " + fmt(rate) + "/s; each timed from the broker's acknowledgement "
                + "of the snapshot to the first prediction carrying its version seen by a read_committed consumer; "
                + "scorer in exactly_once_v2 with promotion disabled (streamlearn.scorer.promotion.enabled=false: "
                + "with it on, a snapshot first scores in shadow until promoted). Percentiles per segment of "
                + perSegment + " swaps. " + r.missing() + " swap(s) never seen. The peer is the events' own "
                + "latency in the same run: a swap cannot show before the next event's trip.");
    }

    private void ingest(KafkaSettings kafka) {
        int samples = 20_000;
        int batch = 500;
        int clients = 4;
        double seconds = options.seconds(3);
        log.info("ingest: {} samples in batches of {}, {} clients, {} s windows", samples, batch, clients, seconds);
        double warmup = options.seconds(INGEST_WARMUP_SECONDS);
        Timing.Rates[] r = IngestBench.run(kafka, samples, batch, clients, SPREAD_REPS, seconds, warmup);
        rows.add(new Row("Ingest", "samples/s", r[0].wall(), "raw KafkaProducer", r[1].wall(),
                Target.ratioAtLeast(0.8), "4"));
        rows.add(new Row("Ingest", "samples/CPU-s", r[0].cpu(), "raw KafkaProducer", r[1].cpu(), Target.NONE, "4"));
        notes.put("4", "Labeled samples (a pool of " + samples + ", cycled) in length-delimited protobuf batches of "
                + batch + " from " + clients + " concurrent clients, each sending its next batch once the last one "
                + "was acknowledged: POST /v1/samples on IngestServer (parse, validate, produce, answer 202 after "
                + "Kafka's acks), each client a minimal HTTP/1.1 client sending requests built before the clock starts, "
                + "from direct buffers over a kept-alive socket channel, as load generators do (the JDK's HttpClient "
                + "measured 3 µs of CPU per sample more, taken from the cores the server needs), beside a raw "
                + "KafkaProducer with the ingest's producer settings sending the same pre-serialized records. "
                + "Windows of " + fmt(seconds) + " s, alternating, after a warm-up window of " + fmt(warmup)
                + " s of each. The CPU row divides by the CPU time of the whole process (clients, server, broker).");
    }

    private void memory() {
        Duration duration = Duration.ofSeconds(options.longRun() ? 600 : options.quick() ? 20 : 120);
        Map<String, String> xmx = Map.of("ingest", "256m", "trainer", "1g", "scorer", "256m", "monitoring", "256m",
                MemoryBench.PEER, "256m");
        MemoryBench.Plan plan = new MemoryBench.Plan(2000, 1000, duration, xmx);
        log.info("memory: every service in its own JVM for {} s", duration.toSeconds());
        MemoryBench.Result r = MemoryBench.run(plan, options.workDir().resolve("memory"));
        Map<String, MemoryBench.Series> by = new LinkedHashMap<>();
        r.series().forEach(s -> by.put(s.service(), s));
        MemoryBench.Series scorer = by.get("scorer");
        MemoryBench.Series trainer = by.get("trainer");
        MemoryBench.Series peer = by.get(MemoryBench.PEER);
        rows.add(new Row("Memory, scorer (-Xmx" + scorer.xmx() + ")", "RSS MiB", Stats.of(scorer.thirdsMb()),
                "pass-through JVM (-Xmx" + peer.xmx() + ")", Stats.of(peer.thirdsMb()), Target.peakAtMost(512, "MiB"),
                "7"));
        rows.add(new Row("Memory, trainer (-Xmx" + trainer.xmx() + ")", "RSS MiB", Stats.of(trainer.thirdsMb()),
                torchTrainingPeakKb > 0 ? "PyTorch training process" : null,
                torchTrainingPeakKb > 0 ? Stats.of(torchTrainingPeakKb / 1024.0) : null,
                Target.peakAtMost(2048, "MiB"), "7"));
        rows.add(new Row("Memory, trainer", "RSS slope, 2nd half, MiB/min",
                Stats.of(trainer.secondHalfSlopeMbPerMinute()), null, null, Target.oursAtMost(10, "MiB/min"), "7"));
        for (String service : List.of("ingest", "monitoring")) {
            MemoryBench.Series s = by.get(service);
            rows.add(new Row("Memory, " + service + " (-Xmx" + s.xmx() + ")", "RSS MiB", Stats.of(s.thirdsMb()),
                    null, null, Target.NONE, "7"));
        }
        StringBuilder peaks = new StringBuilder();
        r.series().forEach(s -> peaks.append(s.service()).append(' ').append(s.peakKb() / 1024).append(" MiB, "));
        notes.put("7", "Each service in its own JVM (its *Main, configured by STREAMLEARN_* variables, defaults "
                + "otherwise: the scorer in exactly_once_v2 with promotion on) against a fresh broker in the benchmark "
                + "JVM, for " + duration.toSeconds() + " s while ingest takes " + fmt(plan.samplesPerSecond())
                + " labeled samples/s and " + fmt(plan.eventsPerSecond()) + " events/s over HTTP; the pass-through "
                + "peer copies the same two topics. RSS read from /proc every second; the cells give the highest "
                + "RSS in each third of the run (median and range of the three); targets are judged on the highest. "
                + "VmHWM at the end: " + peaks + "PyTorch's is its training run's (batch 32). The slope is a "
                + "least-squares fit over the second half of the run; flat means <= 10 MiB/min. Accepted by ingest: "
                + r.samplesSent() + " samples, " + r.eventsSent() + " events (" + fmt(Math.round(r.samplesSent()
                / (double) duration.toSeconds())) + " and " + fmt(Math.round(r.eventsSent()
                / (double) duration.toSeconds())) + " per second; " + r.httpFailures() + " failed requests); " + r.predictions() + " predictions, " + r.snapshots() + " snapshots, "
                + r.passThroughCopies() + " pass-through copies.");
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
