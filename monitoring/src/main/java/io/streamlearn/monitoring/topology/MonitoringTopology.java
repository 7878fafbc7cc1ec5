package io.streamlearn.monitoring.topology;

import com.google.protobuf.MessageLite;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.monitoring.accuracy.Evaluation;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;

/**
 * The monitoring topology: predictions of labeled samples are evaluated as they come (prequential, skipping
 * samples the model had already learned); predictions of events wait, within the join window, for their
 * label on the labels topic. Every evaluation goes to the {@link AccuracyTracker}.
 */
public final class MonitoringTopology {
    static final String SAMPLE = "sample";
    static final String EVENT = "event";

    private MonitoringTopology() {
    }

    public static void build(StreamsBuilder builder, MonitoringConfig config, AccuracyTracker tracker,
                             MonitoringMetrics metrics) {
        KStream<String, Prediction> predictions = decoded(builder, Topics.PREDICTIONS, metrics);
        KStream<String, Label> labels = decoded(builder, Topics.LABELS, metrics);

        predictions.filter((id, p) -> p.getSource() == Prediction.Source.SAMPLE && p.getHasLabel())
                .foreach((id, p) -> evaluateSample(p, tracker, metrics));

        predictions.filter((id, p) -> p.getSource() == Prediction.Source.EVENT)
                .join(labels, MonitoringTopology::evaluateEvent,
                        JoinWindows.ofTimeDifferenceWithNoGrace(config.joinWindow()),
                        StreamJoined.with(Serdes.String(), Topics.PREDICTIONS.valueSerde(), Topics.LABELS.valueSerde())
                                .withStoreName("prediction-label-join"))
                .foreach((id, evaluation) -> tracker.record(evaluation));
    }

    private static <V extends MessageLite> KStream<String, V> decoded(StreamsBuilder builder, Topic<String, V> topic,
                                                                      MonitoringMetrics metrics) {
        KStream<String, Decoded<V>> decoded = builder
                .stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .processValues(() -> new DecodeProcessor<>(topic, metrics));
        decoded.filterNot((k, d) -> d.ok())
                .mapValues(Decoded::deadLetter)
                .to(Topics.DEAD_LETTERS.name(),
                        Produced.with(Topics.DEAD_LETTERS.keySerde(), Topics.DEAD_LETTERS.valueSerde()));
        return decoded.filter((k, d) -> d.ok()).mapValues(Decoded::value);
    }

    private static void evaluateSample(Prediction p, AccuracyTracker tracker, MonitoringMetrics metrics) {
        if (p.getSeenInTraining()) {
            metrics.skipped.labels("seen_in_training").inc();
            return;
        }
        tracker.record(new Evaluation(SAMPLE, p.getModelVersion(), p.getPredictedClass(), p.getLabel(), 0));
    }

    private static Evaluation evaluateEvent(Prediction p, Label label) {
        long delay = Math.max(0, label.getTimestampMs() - p.getRecordTimestampMs());
        return new Evaluation(EVENT, p.getModelVersion(), p.getPredictedClass(), label.getLabel(), delay);
    }
}
