package io.streamlearn.monitoring.topology;

import io.streamlearn.common.wire.DeadLetter;

/** A record after decoding: either its value or the dead letter that explains why it has none. */
record Decoded<V>(V value, DeadLetter deadLetter) {
    boolean ok() {
        return value != null;
    }
}
