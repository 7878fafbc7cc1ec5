package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("samples", 0);
    private static final TopicPartition P1 = new TopicPartition("samples", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldNotClaimRecordsStillWaitingInABatch() {
        tracker.seen(P0, 10);
        tracker.seen(P1, 3);

        assertThat(tracker.done()).isEmpty();
        assertThat(tracker.toCommit()).isEmpty();
    }

    @Test
    void shouldClaimTheNextOffsetOfEverySettledPartition() {
        tracker.resumed(List.of(P0, P1));
        tracker.seen(P0, 10);
        tracker.seen(P0, 11);
        tracker.seen(P1, 3);
        tracker.settle();
        tracker.seen(P0, 12);

        assertThat(tracker.done()).isEqualTo(Map.of(P0, 12L, P1, 4L));
        assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12), P1, new OffsetAndMetadata(4)));

        tracker.settle();
        assertThat(tracker.done()).containsEntry(P0, 13L).containsEntry(P1, 4L);
    }

    /**
     * A restarted trainer whose checkpoint is one commit ahead publishes that learning on the snapshot clock, which
     * can tick while its consumer is still joining the group. Committing the checkpoint's offsets then overwrote
     * the group's offset, so the assignment found nothing between the two and the dead letters lost with the
     * aborted transaction were never sent again.
     */
    @Test
    void shouldNotCommitRestoredOffsetsBeforeTheGroupHasAssignedThePartitions() {
        tracker.restore(Map.of(P0, 3_251L, P1, 966L));

        assertThat(tracker.toCommit()).isEmpty();
        assertThat(tracker.done()).as("the checkpoint and the lineage still see them")
                .isEqualTo(Map.of(P0, 3_251L, P1, 966L));

        tracker.resumed(List.of(P0));
        assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(3_251)));
    }

    @Test
    void shouldNotCommitTheOffsetsOfARevokedPartition() {
        tracker.resumed(List.of(P0, P1));
        tracker.seen(P0, 10);
        tracker.seen(P1, 3);
        tracker.settle();

        tracker.released(List.of(P1));
        tracker.seen(P0, 11);
        tracker.settle();

        assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12)));
        assertThat(tracker.done()).isEqualTo(Map.of(P0, 12L, P1, 4L));
    }
}
