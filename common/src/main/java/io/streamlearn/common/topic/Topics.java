package io.streamlearn.common.topic;

import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.common.wire.ProtoSerde;
import io.streamlearn.common.wire.Sample;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The topics of the pipeline, each defined once with its serdes and creation settings. */
public final class Topics {
    /** Largest model snapshot the `models` topic accepts; the trainer refuses bigger ones before sending. */
    public static final int MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;
    /**
     * A snapshot's record with room for its key and the record batch around it: the `models` topic's
     * max.message.bytes, and what its producers (max.request.size) and consumers (max.partition.fetch.bytes) allow.
     */
    public static final int MAX_SNAPSHOT_RECORD_BYTES = MAX_SNAPSHOT_BYTES + 64 * 1024;

    private static final Serde<String> KEYS = Serdes.String();

    public static final Topic<String, Sample> SAMPLES =
            new Topic<>("samples", KEYS, ProtoSerde.of(Sample.parser()), Map.of());
    public static final Topic<String, Event> EVENTS =
            new Topic<>("events", KEYS, ProtoSerde.of(Event.parser()), Map.of());
    public static final Topic<String, Label> LABELS =
            new Topic<>("labels", KEYS, ProtoSerde.of(Label.parser()), Map.of());
    public static final Topic<String, Prediction> PREDICTIONS =
            new Topic<>("predictions", KEYS, ProtoSerde.of(Prediction.parser()), Map.of());
    /** Compacted: the newest snapshot per model name is all a restarting scorer needs. */
    public static final Topic<String, ModelSnapshot> MODELS = new Topic<>("models", KEYS,
            ProtoSerde.of(ModelSnapshot.parser()),
            Map.of("cleanup.policy", "compact",
                    "max.message.bytes", Integer.toString(MAX_SNAPSHOT_RECORD_BYTES)));
    public static final Topic<String, DeadLetter> DEAD_LETTERS =
            new Topic<>("dead-letters", KEYS, ProtoSerde.of(DeadLetter.parser()), Map.of());

    public static final Topic<String, DriftAlert> DRIFT_ALERTS =
            new Topic<>("drift-alerts", KEYS, ProtoSerde.of(DriftAlert.parser()), Map.of());

    public static final List<Topic<?, ?>> ALL =
            List.of(SAMPLES, EVENTS, LABELS, PREDICTIONS, MODELS, DEAD_LETTERS, DRIFT_ALERTS);

    private Topics() {
    }
}
