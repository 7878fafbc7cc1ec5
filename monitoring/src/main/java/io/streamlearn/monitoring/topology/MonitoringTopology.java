package io.streamlearn.monitoring.topology;

import com.google.protobuf.MessageLite;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.monitoring.accuracy.Evaluation;
import io.streamlearn.monitoring.drift.DriftMonitor;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitoring topology. Predictions of labeled samples are evaluated as they come (prequential, skipping samples
 * the model had already learned); predictions of events are outer-joined with the labels topic within the join
 * window, so that a label that never comes and a label without prediction are counted too. Every evaluation goes
 * to the {@link AccuracyTracker} and to the error-rate detectors of the {@link DriftMonitor}; every prediction to
 * its PSI on predicted classes, and (optionally) every sample and event to its PSI on the mean feature value.
 * Drift alerts go to the drift-alerts topic keyed by model name.
 */
public final class MonitoringTopology {
    static final String SAMPLE = "sample";
    static final String EVENT = "event";
    private static final Logger log = LoggerFactory.getLogger(MonitoringTopology.class);

    private MonitoringTopology() {
    }

    public static void build(StreamsBuilder builder, MonitoringConfig config, AccuracyTracker tracker,
                             DriftMonitor drift, MonitoringMetrics metrics) {
        Set<String> otherModels = ConcurrentHashMap.newKeySet();
        KStream<String, Prediction> predictions = decoded(builder, Topics.PREDICTIONS, metrics)
                .filter((id, p) -> p.getSource() == Prediction.Source.SAMPLE || p.getSource() == Prediction.Source.EVENT)
                .filter((id, p) -> ofModel(p, config.modelName(), otherModels, metrics));
        KStream<String, Label> labels = decoded(builder, Topics.LABELS, metrics);

        toAlerts(predictions.flatMap((id, p) -> {
            String source = source(p);
            metrics.predictions.labels(source, MonitoringMetrics.classLabel(p.getPredictedClass(), config.maxClasses()))
                    .inc();
            return keyed(config, drift.onPrediction(source, p.getModelVersion(), p.getPredictedClass()));
        }));

        KStream<String, Evaluation> samples = predictions
                .filter((id, p) -> p.getSource() == Prediction.Source.SAMPLE && p.getHasLabel())
                .filter((id, p) -> notSeenInTraining(p, metrics))
                .mapValues(p -> new Evaluation(SAMPLE, p.getModelVersion(), p.getPredictedClass(), p.getLabel(), 0,
                        p.getSourcePartition(), p.getSourceOffset()));

        KStream<String, Joined> joined = predictions.filter((id, p) -> p.getSource() == Prediction.Source.EVENT)
                .outerJoin(labels, Joined::new, JoinWindows.ofTimeDifferenceWithNoGrace(config.joinWindow()),
                        StreamJoined.with(Serdes.String(), Topics.PREDICTIONS.valueSerde(), Topics.LABELS.valueSerde())
                                .withStoreName("prediction-label-join"));
        joined.filterNot((id, j) -> j.matched())
                .foreach((id, j) -> metrics.unmatched.labels(j.prediction() == null ? "label" : "prediction").inc());
        KStream<String, Evaluation> events = joined.filter((id, j) -> j.matched())
                .mapValues(j -> evaluateEvent(j.prediction(), j.label()));

        toAlerts(samples.merge(events).flatMap((id, e) -> {
            tracker.record(e);
            return keyed(config, drift.onEvaluation(e));
        }));

        if (config.drift().inputs()) {
            inputs(builder, Topics.SAMPLES, SAMPLE, s -> mean(s.getFeaturesCount(), s::getFeatures), config, drift,
                    metrics);
            inputs(builder, Topics.EVENTS, EVENT, e -> mean(e.getFeaturesCount(), e::getFeatures), config, drift,
                    metrics);
        }
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

    /**
     * The input summary reads samples and events only to measure them; a record it cannot decode is counted and left
     * to the services that own these topics (trainer, scorer), which dead-letter it.
     */
    private static <V extends MessageLite> void inputs(StreamsBuilder builder, Topic<String, V> topic, String source,
                                                       Function<V, Double> summary, MonitoringConfig config,
                                                       DriftMonitor drift, MonitoringMetrics metrics) {
        toAlerts(builder.stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .flatMap((id, bytes) -> {
                    V value;
                    try {
                        value = topic.valueSerde().deserializer().deserialize(topic.name(), bytes);
                    } catch (SerializationException e) {
                        metrics.skipped.labels("undecodable_input").inc();
                        return List.of();
                    }
                    if (value == null) {
                        metrics.skipped.labels("undecodable_input").inc();
                        return List.of();
                    }
                    Double mean = summary.apply(value);
                    if (mean == null) {
                        metrics.skipped.labels("empty_input").inc();
                        return List.of();
                    }
                    return keyed(config, drift.onInput(source, mean));
                }));
    }

    private interface FloatAt {
        float get(int index);
    }

    /** Mean of the features, null when there are none. */
    private static Double mean(int count, FloatAt features) {
        if (count == 0) {
            return null;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += features.get(i);
        }
        return sum / count;
    }

    private static void toAlerts(KStream<String, DriftAlert> alerts) {
        alerts.to(Topics.DRIFT_ALERTS.name(),
                Produced.with(Topics.DRIFT_ALERTS.keySerde(), Topics.DRIFT_ALERTS.valueSerde()));
    }

    private static List<KeyValue<String, DriftAlert>> keyed(MonitoringConfig config, List<DriftAlert> alerts) {
        return alerts.stream().map(a -> KeyValue.pair(config.modelName(), a)).toList();
    }

    private static String source(Prediction p) {
        return p.getSource() == Prediction.Source.SAMPLE ? SAMPLE : EVENT;
    }

    /** Predictions without a model name are accepted (older producers); another model's are counted and skipped. */
    private static boolean ofModel(Prediction p, String modelName, Set<String> otherModels, MonitoringMetrics metrics) {
        if (p.getModelName().isEmpty() || p.getModelName().equals(modelName)) {
            return true;
        }
        metrics.skipped.labels("other_model").inc();
        if (otherModels.add(p.getModelName())) {
            log.warn("skipping predictions of model '{}': this monitoring instance watches model '{}' "
                    + "(streamlearn.monitoring.model.name)", p.getModelName(), modelName);
        }
        return false;
    }

    private static boolean notSeenInTraining(Prediction p, MonitoringMetrics metrics) {
        if (p.getSeenInTraining()) {
            metrics.skipped.labels("seen_in_training").inc();
            return false;
        }
        return true;
    }

    private static Evaluation evaluateEvent(Prediction p, Label label) {
        long delay = Math.max(0, label.getTimestampMs() - p.getRecordTimestampMs());
        return new Evaluation(EVENT, p.getModelVersion(), p.getPredictedClass(), label.getLabel(), delay,
                p.getSourcePartition(), p.getSourceOffset());
    }
}
