package io.streamlearn.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class RowTest {
    @Test
    void shouldJudgeARatioTargetOnTheMedians() {
        Row row = new Row("Training", "samples/s", Stats.of(90, 100, 110), "PyTorch", Stats.of(200, 210, 220),
                Target.ratioAtLeast(1.0), "");
        assertThat(row.ratio()).isCloseTo(100.0 / 210, offset(1e-9));
        assertThat(row.met()).isFalse();
        assertThat(row.verdict()).isEqualTo("**miss**");
    }

    @Test
    void shouldJudgeAPeakTargetOnTheHighestValue() {
        Stats rss = Stats.of(400, 450, 520);
        assertThat(new Row("Memory", "MiB", rss, null, null, Target.peakAtMost(512, "MiB"), "").met()).isFalse();
        assertThat(new Row("Memory", "MiB", rss, null, null, Target.oursAtMost(512, "MiB"), "").met()).isTrue();
    }

    @Test
    void shouldLeaveRowsWithoutTargetUnjudged() {
        Row row = new Row("Inference", "rows/s", Stats.of(1, 2, 3), null, null, Target.NONE, "");
        assertThat(row.verdict()).isEmpty();
        assertThat(row.ratio()).isNaN();
    }
}
