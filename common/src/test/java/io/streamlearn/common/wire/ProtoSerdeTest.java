package io.streamlearn.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.topic.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ProtoSerdeTest {
    @Test
    void shouldRoundTripASampleWithPackedFloatFeatures() {
        Sample sample = Sample.newBuilder().setId("a").addFeatures(0.5f).addFeatures(-1f).setLabel(3).build();
        byte[] bytes = Topics.SAMPLES.valueSerde().serializer().serialize("samples", sample);

        assertThat(Topics.SAMPLES.valueSerde().deserializer().deserialize("samples", bytes)).isEqualTo(sample);
        // id (3 bytes) + packed floats (2 tag/len + 8) + label (2): packed, not one tag per float
        assertThat(bytes).hasSize(15);
    }

    @Test
    void shouldNameTheTopicWhenBytesCannotBeDecoded() {
        assertThatThrownBy(() -> Topics.EVENTS.valueSerde().deserializer().deserialize("events", new byte[] {(byte) 0xff}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("events");
    }
}
