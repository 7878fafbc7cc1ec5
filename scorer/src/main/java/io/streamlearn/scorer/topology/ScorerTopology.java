package io.streamlearn.scorer.topology;

import ai.onnxruntime.OrtEnvironment;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ServingModels;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's Kafka Streams topology: the models topic feeds a global store whose processor hands new snapshots
 * to {@link ServingModels}; events and samples (read as bytes, so that undecodable records can be routed) are
 * scored in micro-batches into predictions, invalid ones into dead letters.
 */
public final class ScorerTopology {
    /** Global store of the latest accepted snapshot, keyed by model name. */
    public static final String MODEL_STORE = "scorer-models";

    /** The streams producer's linger, as Kafka Streams reads it (and as an operator may pass it through). */
    public static final String PRODUCER_LINGER_MS = StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG);
    /** The scorer's own default for it, where Kafka Streams' is 100 ms (see {@link #streamsProperties}). */
    public static final int PRODUCER_LINGER_DEFAULT_MS = 1;

    private ScorerTopology() {
    }

    /**
     * Compaction settings of the batch buffers' changelogs: every record written there (one still waiting at a
     * commit) later leaves a tombstone, so segments roll and tombstones expire after minutes rather than Kafka's
     * defaults (a week, a day), which would make a restore read a day of tombstones. Ten minutes is far longer than
     * any restore reading them.
     */
    static final Map<String, String> BUFFER_CHANGELOG = Map.of(
            TopicConfig.SEGMENT_MS_CONFIG, "600000",
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1");

    public static void build(StreamsBuilder builder, ScorerConfig config, ServingModels serving,
                             ScorerMetrics metrics, OrtEnvironment env) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                Topics.MODELS.name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("models-source"),
                () -> new ModelUpdateProcessor(MODEL_STORE, config.modelName(), config.inputSize(), serving,
                        metrics, env));
        for (InputKind kind : InputKind.values()) {
            scoreTopic(builder, kind, config, serving, metrics);
        }
    }

    private static void scoreTopic(StreamsBuilder builder, InputKind kind, ScorerConfig config,
                                   ServingModels serving, ScorerMetrics metrics) {
        String name = kind.topic.name();
        // Persistent: records arriving before the first model can be many (a replay), so they wait on disk.
        String bufferStore = bufferStoreName(kind);
        builder.addStateStore(CommitAwareStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(bufferStore), Serdes.Long(), Serdes.ByteArray()))
                .withLoggingEnabled(BUFFER_CHANGELOG));
        builder.stream(name, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(() -> new ScoringProcessor(kind, bufferStore, config, serving, metrics),
                        Named.as("score-" + name), bufferStore)
                .split(Named.as("route-" + name + "-"))
                .branch((key, outcome) -> outcome.isPrediction(), Branched.withConsumer(predictions -> predictions
                        .mapValues(Outcome::prediction, Named.as(name + "-prediction"))
                        .to(Topics.PREDICTIONS.name(), Produced.with(Topics.PREDICTIONS.keySerde(),
                                Topics.PREDICTIONS.valueSerde()).withName(name + "-predictions-sink")),
                        "predictions"))
                .defaultBranch(Branched.withConsumer(deadLetters -> deadLetters
                        .mapValues(Outcome::deadLetter, Named.as(name + "-dead-letter"))
                        .to(Topics.DEAD_LETTERS.name(), Produced.with(Topics.DEAD_LETTERS.keySerde(),
                                Topics.DEAD_LETTERS.valueSerde()).withName(name + "-dead-letters-sink")),
                        "dead-letters"));
    }

    static String bufferStoreName(InputKind kind) {
        return "scorer-buffer-" + kind.topic.name();
    }

    /** Kafka Streams settings: our guarantee and state dir on top of the pass-through client settings. */
    public static Properties streamsProperties(ScorerConfig config, KafkaSettings kafka) {
        Properties p = KafkaClients.common(kafka, config.applicationId());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        // An idle stream thread blocks in poll for poll.ms before its punctuators run: bound it by the batch wait.
        p.put(StreamsConfig.POLL_MS_CONFIG, (long) config.batching().maxWaitMs());
        // Kafka Streams lingers 100 ms per producer batch by default, which ~150-byte predictions never fill: the
        // linger is added whole to each one. With none, each task's micro-batch went out in its own produce request
        // or two; 1 ms lets the tasks' batches, flushed microseconds apart, share one (at 25,000 events/s the broker
        // took 2,860 produce requests a second instead of 3,900, for 0.3-1.9 ms more p50; docs/benchmarks.md).
        // Under exactly-once the commit flushes the producer anyway. An operator's linger.ms (for every client, or
        // producer.linger.ms for this one) wins.
        if (!kafka.clientProperties().containsKey(ProducerConfig.LINGER_MS_CONFIG)
                && !kafka.clientProperties().containsKey(PRODUCER_LINGER_MS)) {
            p.put(PRODUCER_LINGER_MS, PRODUCER_LINGER_DEFAULT_MS);
        }
        // Every task reads one partition, so there is nothing to wait for before processing in timestamp order;
        // disabled, Kafka Streams skips its per-record scan of the task's partitions (a set built per record).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // A snapshot is up to 16 MiB: let the global consumer fetch a whole one per partition request.
        p.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Topics.MAX_SNAPSHOT_RECORD_BYTES);
        return p;
    }
}
