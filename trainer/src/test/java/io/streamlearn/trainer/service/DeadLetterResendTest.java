package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeadLetterResendTest {
    private static final TopicPartition P0 = new TopicPartition("samples", 0);
    private static final TopicPartition P1 = new TopicPartition("samples", 1);

    private final DeadLetterResend resend = new DeadLetterResend();

    @Test
    void shouldSendOnlyDeadLettersBelowTheCheckpointAndCommitHowFarItGot() {
        resend.start(P0, 10, 13);

        assertThat(resend.deadLetterOnly(P0, 10)).isTrue();
        assertThat(resend.deadLetterOnly(P0, 11)).isTrue();
        assertThat(commitOver(Map.of(P0, 13L, P1, 7L))).containsEntry(P0, 12L).containsEntry(P1, 7L);

        assertThat(resend.deadLetterOnly(P0, 12)).as("the last record below the checkpoint").isTrue();
        assertThat(commitOver(Map.of(P0, 13L))).containsEntry(P0, 13L);
        assertThat(resend.deadLetterOnly(P0, 13)).isFalse();
    }

    @Test
    void shouldCommitTheGroupsOffsetBeforeTheFirstRecordIsRead() {
        resend.start(P0, 10, 13);

        assertThat(commitOver(Map.of(P0, 13L))).containsEntry(P0, 10L);
    }

    @Test
    void shouldEndWhenTheFirstRecordIsAlreadyAtTheCheckpoint() {
        resend.start(P0, 10, 13);

        assertThat(resend.deadLetterOnly(P0, 13)).as("records 10-12 were deleted").isFalse();
        assertThat(commitOver(Map.of(P0, 14L))).containsEntry(P0, 14L);
    }

    @Test
    void shouldForgetPartitionsTheGroupTookAway() {
        resend.start(P0, 10, 13);
        resend.start(P1, 0, 5);

        resend.end(List.of(P0));

        assertThat(resend.deadLetterOnly(P0, 11)).isFalse();
        assertThat(resend.deadLetterOnly(P1, 1)).isTrue();
        assertThat(commitOver(Map.of(P0, 13L, P1, 5L))).containsEntry(P0, 13L).containsEntry(P1, 2L);
    }

    @Test
    void shouldLeavePartitionsThatAreNotResentAlone() {
        assertThat(resend.deadLetterOnly(P0, 0)).isFalse();
        assertThat(commitOver(Map.of(P0, 1L))).containsEntry(P0, 1L);
    }

    private Map<TopicPartition, Long> commitOver(Map<TopicPartition, Long> learned) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        learned.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
        resend.coverCommit(commit);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        commit.forEach((tp, o) -> offsets.put(tp, o.offset()));
        return offsets;
    }
}
