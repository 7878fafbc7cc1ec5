package io.streamlearn.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Sample;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireEncodingTest {
    @Test
    void shouldEncodeExactlyAsTheGeneratedMessages() {
        Random rnd = new Random(7);
        for (int i = 0; i < 2000; i++) {
            String id = rnd.nextInt(5) == 0 ? "" : rnd.nextInt(5) == 0 ? "é✓-" + i : "id-" + rnd.nextLong();
            float[] features = new float[rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(800)];
            for (int j = 0; j < features.length; j++) {
                features[j] = rnd.nextInt(3) == 0 ? 0f : rnd.nextInt(20) == 0 ? -0f : (float) rnd.nextGaussian();
            }
            int label = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3) == 0 ? -rnd.nextInt(5) : rnd.nextInt(100_000);
            long ts = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(5) == 0 ? -rnd.nextInt() : 1_700_000_000_000L + i;
            Sample.Builder sample = Sample.newBuilder().setId(id).setLabel(label).setTimestampMs(ts);
            Event.Builder event = Event.newBuilder().setId(id).setTimestampMs(ts);
            for (float f : features) {
                sample.addFeatures(f);
                event.addFeatures(f);
            }

            assertThat(WireEncoding.sample(id, features, label, ts)).as("sample %d", i)
                    .isEqualTo(sample.build().toByteArray());
            assertThat(WireEncoding.event(id, features, ts)).as("event %d", i).isEqualTo(event.build().toByteArray());
        }
    }
}
