package io.streamlearn.trainer.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ProtoSerde;
import io.streamlearn.common.wire.Sample;
import java.util.Locale;

/**
 * The outcome of checking one record of the samples topic: a sample the model can learn, or the reason it
 * cannot ({@code reason} is the bounded metric label, {@code detail} the text written to dead-letters).
 */
record SampleCheck(Sample sample, Reject reason, String detail) {
    /** Why a record cannot be learned; {@link #label()} is the metric label. */
    enum Reject {
        UNDECODABLE, WRONG_FEATURE_COUNT, NON_FINITE_FEATURE, LABEL_OUT_OF_RANGE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ProtoSerde<Sample> SERDE = (ProtoSerde<Sample>) Topics.SAMPLES.valueSerde();

    boolean valid() {
        return sample != null;
    }

    static SampleCheck of(byte[] value, int inputSize, int classes) {
        Sample sample;
        try {
            sample = SERDE.decode(value);
        } catch (InvalidProtocolBufferException e) {
            return reject(Reject.UNDECODABLE, "undecodable Sample: " + e.getMessage());
        }
        if (sample.getFeaturesCount() != inputSize) {
            return reject(Reject.WRONG_FEATURE_COUNT,
                    "sample has " + sample.getFeaturesCount() + " features, the model expects " + inputSize);
        }
        for (int i = 0; i < inputSize; i++) {
            if (!Float.isFinite(sample.getFeatures(i))) {
                return reject(Reject.NON_FINITE_FEATURE, "feature " + i + " is " + sample.getFeatures(i));
            }
        }
        if (sample.getLabel() < 0 || sample.getLabel() >= classes) {
            return reject(Reject.LABEL_OUT_OF_RANGE,
                    "label " + sample.getLabel() + " is outside [0, " + classes + ")");
        }
        return new SampleCheck(sample, null, null);
    }

    private static SampleCheck reject(Reject reason, String detail) {
        return new SampleCheck(null, reason, detail);
    }
}
