package io.streamlearn.bench.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventEncoderTest {
    private final float[][] rows = Synthetic.features(3, 7);
    private final EventEncoder encoder = new EventEncoder(rows);

    @Test
    void shouldWriteTheBytesOfTheGeneratedSerializer() {
        for (int row = 0; row < rows.length; row++) {
            for (String id : new String[] {"e-1", "lat-scorer-at_least_once-123456", "é-" + "x".repeat(200)}) {
                long ts = 1_700_000_000_000L + row;
                assertThat(encoder.encode(id, row, ts)).isEqualTo(Synthetic.event(id, rows[row], ts).toByteArray());
            }
        }
    }

    @Test
    void shouldLeaveDefaultTimestampOut() {
        assertThat(encoder.encode("e-2", 1, 0)).isEqualTo(Synthetic.event("e-2", rows[1], 0).toByteArray());
    }
}
