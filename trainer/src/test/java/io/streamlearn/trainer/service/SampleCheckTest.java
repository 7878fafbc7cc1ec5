package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.wire.Sample;
import org.junit.jupiter.api.Test;

class SampleCheckTest {
    private static byte[] sample(int label, float... features) {
        Sample.Builder s = Sample.newBuilder().setId("id").setLabel(label);
        for (float f : features) {
            s.addFeatures(f);
        }
        return s.build().toByteArray();
    }

    @Test
    void shouldAcceptALearnableSample() {
        SampleCheck check = SampleCheck.of(sample(2, 1f, 2f, 3f), 3, 3);

        assertThat(check.valid()).isTrue();
        assertThat(check.sample().getLabel()).isEqualTo(2);
    }

    @Test
    void shouldNameWhyARecordCannotBeLearned() {
        assertRejected(SampleCheck.of(new byte[] {(byte) 0xff, 0x01}, 3, 3), SampleCheck.Reject.UNDECODABLE, "undecodable");
        assertRejected(SampleCheck.of(new byte[0], 3, 3), SampleCheck.Reject.UNDECODABLE, "empty payload");
        assertRejected(SampleCheck.of(sample(0, 1f, 2f), 3, 3), SampleCheck.Reject.WRONG_FEATURE_COUNT,
                "has 2 features, the model expects 3");
        assertRejected(SampleCheck.of(sample(0, 1f, Float.NaN, 3f), 3, 3), SampleCheck.Reject.NON_FINITE_FEATURE,
                "feature 1 is NaN");
        assertRejected(SampleCheck.of(sample(0, 1f, 2f, Float.POSITIVE_INFINITY), 3, 3),
                SampleCheck.Reject.NON_FINITE_FEATURE, "feature 2 is Infinity");
        assertRejected(SampleCheck.of(sample(3, 1f, 2f, 3f), 3, 3), SampleCheck.Reject.LABEL_OUT_OF_RANGE,
                "label 3 is outside [0, 3)");
        assertRejected(SampleCheck.of(sample(-1, 1f, 2f, 3f), 3, 3), SampleCheck.Reject.LABEL_OUT_OF_RANGE,
                "label -1");
    }

    private static void assertRejected(SampleCheck check, SampleCheck.Reject reason, String detail) {
        assertThat(check.valid()).isFalse();
        assertThat(check.reason()).isEqualTo(reason);
        assertThat(check.detail()).contains(detail);
    }
}
