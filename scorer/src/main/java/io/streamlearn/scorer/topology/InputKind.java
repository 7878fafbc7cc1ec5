package io.streamlearn.scorer.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.scorer.metrics.ScorerMetrics;

/** The two topics the scorer classifies: live events, and labeled samples scored before the trainer learns them. */
enum InputKind {
    EVENTS(Topics.EVENTS, Prediction.Source.EVENT, ScorerMetrics.EVENT),
    SAMPLES(Topics.SAMPLES, Prediction.Source.SAMPLE, ScorerMetrics.SAMPLE);

    /** The fields scoring needs from an event or a sample. */
    record Input(String id, float[] features, boolean hasLabel, int label) {
    }

    final Topic<String, ?> topic;
    final Prediction.Source source;
    final String metricLabel;

    InputKind(Topic<String, ?> topic, Prediction.Source source, String metricLabel) {
        this.topic = topic;
        this.source = source;
        this.metricLabel = metricLabel;
    }

    /** Decodes a record's value, its features into {@code into} when they fill it (see {@link InputDecoder}). */
    Input decode(byte[] value, float[] into) throws InvalidProtocolBufferException {
        return InputDecoder.decode(value, labeled(), into);
    }

    /** Whether its records carry labels, so that a candidate can be judged on them. */
    boolean labeled() {
        return source == Prediction.Source.SAMPLE;
    }
}
