package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {
    private final SnapshotPolicy policy = new SnapshotPolicy(5000, 10_000, 1_000);

    @Test
    void shouldPublishOnceEnoughNewSamplesWereLearned() {
        assertThat(policy.snapshotDue(4999, 9999, 1_001)).isFalse();
        assertThat(policy.snapshotDue(5000, 10_000, 1_001)).isTrue();
    }

    @Test
    void shouldPublishAfterTheIntervalOnlyIfTheModelChanged() {
        assertThat(policy.snapshotDue(1, 1, 10_999)).isFalse();
        assertThat(policy.snapshotDue(1, 1, 11_000)).isTrue();
        assertThat(policy.snapshotDue(0, 0, 11_000)).isFalse();
        assertThat(policy.snapshotDue(0, 0, 1_000_000)).isFalse();
    }

    @Test
    void shouldRestartTheIntervalAtEachCommit() {
        assertThat(policy.intervalElapsed(11_000)).isTrue();
        policy.committed(11_000);

        assertThat(policy.intervalElapsed(20_999)).isFalse();
        assertThat(policy.snapshotDue(10, 10, 20_999)).isFalse();
        assertThat(policy.snapshotDue(10, 10, 21_000)).isTrue();
    }

    @Test
    void shouldPublishOftenWhileADriftReactionAsksAndThenReturnToTheUsualInterval() {
        policy.publishOftenUntil(13_000, 250);

        assertThat(policy.snapshotDue(249, 10_249, 1_001)).isFalse();
        assertThat(policy.snapshotDue(250, 10_250, 1_001)).isTrue();
        assertThat(policy.snapshotDue(250, 13_000, 1_001)).isTrue();
        assertThat(policy.snapshotDue(250, 13_001, 1_001)).isFalse();
        assertThat(policy.snapshotDue(5000, 20_000, 1_001)).isTrue();
    }
}
