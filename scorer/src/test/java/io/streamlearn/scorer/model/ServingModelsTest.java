package io.streamlearn.scorer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.testing.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServingModelsTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final int INPUT = 4;
    private static final ScorerConfig.Promotion TRIAL_OF_10 = new ScorerConfig.Promotion(true, 10, 0.15, 0, 3);

    private final CollectorRegistry registry = new CollectorRegistry();
    private final List<OnnxModel> loaded = new ArrayList<>();
    private ServingModels serving;

    @AfterEach
    void close() {
        serving.close();
        assertThat(loaded).allMatch(OnnxModel::isClosed);
    }

    @Test
    void shouldServeTheFirstSnapshotDirectly() throws Exception {
        serving = serving(TRIAL_OF_10);

        offer(1);

        assertThat(serving.championVersion()).isEqualTo(1);
        assertThat(serving.candidateVersion()).isZero();
        assertThat(metric("streamlearn_scorer_swaps_total")).isEqualTo(1);
    }

    @Test
    void shouldServeEveryValidSnapshotAtOnceWhenPromotionIsDisabled() throws Exception {
        serving = serving(ScorerConfig.Promotion.IMMEDIATE);
        offer(1);
        startScoring();

        offer(2);
        offer(3);

        assertThat(serving.championVersion()).isEqualTo(3);
        assertThat(serving.candidateVersion()).isZero();
        assertThat(loaded.subList(0, 2)).allMatch(OnnxModel::isClosed);
    }

    @Test
    void shouldPromoteACandidateWithinTheMarginOfTheChampionsAccuracy() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        offer(2);

        // Champion right on 10 of 10, candidate on 9 of 10: 0.9 >= 1.0 - 0.15.
        serving.recordShadow(2, right(10, 10), right(10, 9));

        assertThat(serving.championVersion()).isEqualTo(2);
        assertThat(serving.candidateVersion()).isZero();
        assertThat(loaded.get(0).isClosed()).isTrue();
        assertThat(metric("streamlearn_scorer_promotions_total")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_model_version")).isEqualTo(2);
    }

    @Test
    void shouldDiscardAWorseCandidateAndCloseItAfterItsLastShadowCall() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        OnnxModel worse = offer(2);
        ModelSlot.Lease shadowCall = serving.leaseCandidate().orElseThrow();

        serving.recordShadow(2, right(10, 10), right(10, 8));

        assertThat(serving.championVersion()).isEqualTo(1);
        assertThat(serving.candidateVersion()).isZero();
        assertThat(serving.leaseCandidate()).isEmpty();
        assertThat(worse.isClosed()).isFalse();
        shadowCall.close();
        assertThat(worse.isClosed()).isTrue();
        assertThat(metric("streamlearn_scorer_candidates_rejected_total")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_shadow_accuracy_ratio", "role", "champion")).isEqualTo(1.0);
        assertThat(metric("streamlearn_scorer_shadow_accuracy_ratio", "role", "candidate")).isEqualTo(0.8);
    }

    @Test
    void shouldCountExactlyTheTrialSizeWhenABatchOverflowsIt() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        offer(2);

        serving.recordShadow(2, right(6, 6), right(6, 6));
        assertThat(serving.status().candidate().samples()).isEqualTo(6);
        // Only the first 4 of these count: the candidate is right on all of them, so it is promoted.
        serving.recordShadow(2, right(8, 8), right(8, 4));

        assertThat(serving.championVersion()).isEqualTo(2);
    }

    @Test
    void shouldTrialTheNewestSnapshotThatArrivedDuringATrialOnceTheVerdictIsIn() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        offer(2);
        OnnxModel superseded = offer(3);
        offer(4);

        assertThat(superseded.isClosed()).isTrue();
        assertThat(serving.status().pending()).isEqualTo(4);
        serving.recordShadow(2, right(10, 10), right(10, 0));

        assertThat(serving.championVersion()).isEqualTo(1);
        assertThat(serving.candidateVersion()).isEqualTo(4);
        assertThat(serving.status().pending()).isZero();
        assertThat(serving.status().candidate().samples()).isZero();
    }

    @Test
    void shouldIgnoreShadowResultsOfACandidateNoLongerOnTrial() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        offer(2);

        serving.recordShadow(7, right(10, 10), right(10, 10));

        assertThat(serving.championVersion()).isEqualTo(1);
        assertThat(serving.status().candidate().samples()).isZero();
    }

    @Test
    void shouldOnlyLoadSnapshotsNewerThanEveryValidOneSeen() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        offer(3);

        assertThat(serving.isNewer(2)).isFalse();
        assertThat(serving.isNewer(3)).isFalse();
        assertThat(serving.isNewer(4)).isTrue();
    }

    @Test
    void shouldRollBackToAPinnedVersionAndResumeWithTheNewestOnUnpin() throws Exception {
        serving = serving(ScorerConfig.Promotion.IMMEDIATE);
        offer(1);
        offer(2);

        serving.pin(1);
        OnnxModel arrivedWhilePinned = offer(3);

        assertThat(serving.championVersion()).isEqualTo(1);
        assertThat(arrivedWhilePinned.isClosed()).isTrue();
        assertThat(serving.status().pinned()).isEqualTo(1);
        assertThat(serving.status().held()).containsExactly(1L, 2L, 3L);
        assertThat(metric("streamlearn_scorer_pinned_version")).isEqualTo(1);

        serving.unpin();

        assertThat(serving.championVersion()).isEqualTo(3);
        assertThat(metric("streamlearn_scorer_pinned_version")).isZero();
    }

    @Test
    void shouldEndATrialWhenPinned() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        startScoring();
        offer(2);

        serving.pin(1);

        assertThat(serving.championVersion()).isEqualTo(1);
        assertThat(serving.candidateVersion()).isZero();
        assertThat(serving.status().candidate()).isNull();
    }

    @Test
    void shouldRefuseToPinAVersionItDoesNotHoldListingThoseItHolds() throws Exception {
        serving = serving(new ScorerConfig.Promotion(false, 10, 0, 0, 2));
        offer(1);
        offer(2);
        offer(3);

        assertThatThrownBy(() -> serving.pin(1))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("v1 is not held")
                .hasMessageContaining("[2, 3]");
        assertThat(serving.championVersion()).isEqualTo(3);
    }

    @Test
    void shouldRefuseToPinARejectedVersionSayingWhy() throws Exception {
        serving = serving(TRIAL_OF_10);
        offer(1);
        serving.rejected(2, new ModelRejectedException(ModelRejectedException.Reason.INPUT_SIZE_MISMATCH,
                "model 'digits' v2: input size 5"));

        assertThatThrownBy(() -> serving.pin(2))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("input size 5");
    }

    @Test
    void shouldRefuseToPinOnceClosedWithoutLoadingTheModel() throws Exception {
        serving = serving(ScorerConfig.Promotion.IMMEDIATE);
        offer(1);
        offer(2);
        serving.close();

        assertThatThrownBy(() -> serving.pin(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closing");
        assertThat(serving.status().pinned()).isZero();
    }

    @Test
    void shouldServeOnlyTheVersionPinnedInItsConfiguration() throws Exception {
        serving = serving(new ScorerConfig.Promotion(true, 10, 0, 2, 5));

        offer(1);
        assertThat(serving.championVersion()).isZero();
        offer(2);
        assertThat(serving.championVersion()).isEqualTo(2);
        offer(3);
        assertThat(serving.championVersion()).isEqualTo(2);
    }

    private ServingModels serving(ScorerConfig.Promotion policy) {
        return new ServingModels(policy, ENV, INPUT, new ScorerMetrics(registry));
    }

    private OnnxModel offer(long version) throws ModelRejectedException {
        ModelSnapshot snapshot = TestModels.snapshot(version, INPUT, 3);
        OnnxModel model = OnnxModel.load(ENV, snapshot, INPUT);
        loaded.add(model);
        serving.offer(model, snapshot);
        return model;
    }

    /** Ends the bootstrap during which every snapshot serves directly. */
    private void startScoring() {
        serving.leaseChampion().orElseThrow().close();
    }

    private static boolean[] right(int samples, int correct) {
        boolean[] right = new boolean[samples];
        Arrays.fill(right, 0, correct, true);
        return right;
    }

    private double metric(String name, String... labelNameAndValue) {
        String[] names = labelNameAndValue.length == 0 ? new String[0] : new String[] {labelNameAndValue[0]};
        String[] values = labelNameAndValue.length == 0 ? new String[0] : new String[] {labelNameAndValue[1]};
        return registry.getSampleValue(name, names, values);
    }
}
