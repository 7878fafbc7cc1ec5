package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.learn.NetworkSpec;
import io.streamlearn.trainer.learn.OnlineLearner;
import io.streamlearn.trainer.metrics.TrainerMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DriftResponderTest {
    private static final TopicPartition P1 = new TopicPartition(Topics.SAMPLES.name(), 1);
    private static final long BOOST = 3000;

    private final CollectorRegistry registry = new CollectorRegistry();
    private final OnlineLearner learner = new OnlineLearner(
            new NetworkSpec(8, List.of(16), "relu", 4, "adam", 0.01, 42).build(), 32);
    private final SnapshotPolicy policy = new SnapshotPolicy(5000, 600_000, 0);

    @AfterEach
    void closeLearner() {
        learner.close();
    }

    @Test
    void shouldHoldAnAlertOnASampleUntilTheTrainerHasLearnedThatSample() {
        DriftResponder drift = responder(DriftReaction.Policy.RESET);
        drift.received(List.of(alertAt(1, 50)));

        drift.reactToAlertsReached(Map.of(P1, 50L));
        assertThat(learner.boostLeft()).as("sample 50 is not learned yet").isZero();
        assertThat(metric("streamlearn_trainer_drift_alerts_total")).isZero();

        drift.reactToAlertsReached(Map.of(P1, 51L));
        assertThat(learner.boostLeft()).isEqualTo(BOOST);
        assertThat(metric("streamlearn_trainer_drift_reactions_total")).isEqualTo(1);
        assertThat(policy.snapshotDue(250, 250, 0)).as("a snapshot every 250 samples while boosted").isTrue();

        drift.reactToAlertsReached(Map.of(P1, 52L));
        assertThat(metric("streamlearn_trainer_drift_alerts_total")).as("an alert is handled once").isEqualTo(1);
    }

    @Test
    void shouldReactWhenItsOwnErrorsRiseAfterAChangeOfConcept() {
        DriftResponder drift = responder(DriftReaction.Policy.RESET);
        Blobs blobs = new Blobs(4, 8, 5);
        learn(drift, blobs.take(3000), 0);
        assertThat(metric("streamlearn_trainer_drift_alerts_total")).as("the error rate only fell").isZero();

        long reactedAfter = learn(drift, blobs.take(640), 1);

        assertThat(metric("streamlearn_trainer_drift_reactions_total")).isEqualTo(1);
        assertThat(reactedAfter).as("samples of the new concept before the reaction").isBetween(1L, 320L);
    }

    @Test
    void shouldNotReactAgainWhileAReactionRuns() {
        DriftResponder drift = responder(DriftReaction.Policy.RESET);
        drift.received(List.of(alertAt(1, 5), alertAt(1, 6)));

        drift.reactToAlertsReached(Map.of(P1, 100L));

        assertThat(metric("streamlearn_trainer_drift_alerts_total")).isEqualTo(2);
        assertThat(metric("streamlearn_trainer_drift_reactions_total")).isEqualTo(1);
    }

    @Test
    void shouldCountButIgnoreAlertsUnderPolicyNone() {
        DriftResponder drift = responder(DriftReaction.Policy.NONE);
        drift.received(List.of(alertAt(1, 5)));

        drift.reactToAlertsReached(Map.of(P1, 100L));

        assertThat(metric("streamlearn_trainer_drift_alerts_total")).isEqualTo(1);
        assertThat(metric("streamlearn_trainer_drift_reactions_total")).isZero();
        assertThat(learner.boostLeft()).isZero();
        assertThat(policy.snapshotDue(250, 250, 0)).isFalse();
    }

    @Test
    void shouldActAtOnceOnAnAlertThatPointsAtNoSample() {
        DriftResponder drift = responder(DriftReaction.Policy.RESET);
        drift.received(List.of(DriftAlert.newBuilder().setKind(DriftAlert.Kind.INPUT_DISTRIBUTION)
                .setSource("event").setSourceOffset(-1).build()));

        drift.reactToAlertsReached(Map.of());

        assertThat(learner.boostLeft()).isEqualTo(BOOST);
    }

    /**
     * Learns the samples with their labels shifted by {@code shift} (mod 4), watching the errors after each batch;
     * returns how many samples it took until the first reaction, or -1.
     */
    private long learn(DriftResponder drift, List<Sample> samples, int shift) {
        long reactedAfter = -1;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            learner.add(s.toBuilder().setLabel((s.getLabel() + shift) % 4).build());
            if (learner.isFull()) {
                learner.learn();
                drift.watchOwnErrors(7);
                if (reactedAfter < 0 && learner.boostLeft() > 0) {
                    reactedAfter = i + 1;
                }
            }
        }
        return reactedAfter;
    }

    private DriftResponder responder(DriftReaction.Policy reaction) {
        return new DriftResponder("m", new DriftReaction(reaction, 3, 20, BOOST, 250, true), learner, policy,
                new TrainerMetrics(registry, List.of()));
    }

    private static DriftAlert alertAt(int partition, long offset) {
        return DriftAlert.newBuilder().setModelName("m").setKind(DriftAlert.Kind.ERROR_RATE).setDetector("adwin")
                .setSource("sample").setSourcePartition(partition).setSourceOffset(offset).build();
    }

    private double metric(String name) {
        Double value = registry.getSampleValue(name);
        assertThat(value).as(name).isNotNull();
        return value;
    }
}
