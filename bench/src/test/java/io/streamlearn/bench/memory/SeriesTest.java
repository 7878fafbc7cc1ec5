package io.streamlearn.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeriesTest {
    @Test
    void shouldFitTheSlopeOfTheSecondHalfInMibPerMinute() {
        long[] rss = new long[120];
        for (int s = 0; s < rss.length; s++) {
            // grows 1 MiB/s for a minute, then 0.5 MiB per second: 30 MiB/min
            rss[s] = s < 60 ? 1024L * (100 + s) : 1024L * 160 + 512L * (s - 60);
        }
        MemoryBench.Series series = new MemoryBench.Series("trainer", "1g", rss, rss[119]);
        assertThat(series.secondHalfSlopeMbPerMinute()).isCloseTo(30, offset(1.0));
    }

    @Test
    void shouldCallAConstantResidentSetFlat() {
        long[] rss = new long[60];
        Arrays.fill(rss, 500 * 1024);
        MemoryBench.Series series = new MemoryBench.Series("scorer", "256m", rss, 500 * 1024);
        assertThat(series.secondHalfSlopeMbPerMinute()).isZero();
        assertThat(series.thirdsMb()).containsExactly(500, 500, 500);
    }

    @Test
    void shouldGiveTheHighestResidentSetOfEachThird() {
        long[] rss = {1024, 2048, 3072, 4096, 5120, 6144};
        assertThat(new MemoryBench.Series("x", "1g", rss, 6144).thirdsMb()).containsExactly(2, 4, 6);
    }
}
