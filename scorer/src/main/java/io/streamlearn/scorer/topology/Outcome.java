package io.streamlearn.scorer.topology;

import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.Prediction;

/** What scoring one input record produced: a prediction, or a dead letter saying why it could not be scored. */
record Outcome(Prediction prediction, DeadLetter deadLetter) {
    static Outcome of(Prediction prediction) {
        return new Outcome(prediction, null);
    }

    static Outcome of(DeadLetter deadLetter) {
        return new Outcome(null, deadLetter);
    }

    boolean isPrediction() {
        return prediction != null;
    }
}
