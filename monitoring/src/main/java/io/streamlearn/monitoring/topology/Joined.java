package io.streamlearn.monitoring.topology;

import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Prediction;

/** A result of the outer join: both sides, or only one when the other never came within the join window. */
record Joined(Prediction prediction, Label label) {
    boolean matched() {
        return prediction != null && label != null;
    }
}
