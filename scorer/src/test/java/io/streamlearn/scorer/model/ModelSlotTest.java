package io.streamlearn.scorer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import io.streamlearn.scorer.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ModelSlotTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final int INPUT = 4;

    private static OnnxModel model(long version) throws ModelRejectedException {
        return OnnxModel.load(ENV, TestModels.snapshot(version, INPUT, 3), INPUT);
    }

    @Test
    void shouldLeaseNothingBeforeTheFirstInstall() {
        try (ModelSlot slot = new ModelSlot()) {
            assertThat(slot.tryAcquire()).isEmpty();
            assertThat(slot.currentVersion()).isZero();
        }
    }

    @Test
    void shouldIgnoreOlderAndEqualVersionsLeavingThemToTheCaller() throws Exception {
        try (ModelSlot slot = new ModelSlot(); OnnxModel older = model(4); OnnxModel equal = model(5)) {
            OnnxModel current = model(5);
            assertThat(slot.install(current)).isTrue();

            assertThat(slot.install(older)).isFalse();
            assertThat(slot.install(equal)).isFalse();

            assertThat(slot.currentVersion()).isEqualTo(5);
            assertThat(older.isClosed()).isFalse();
            try (ModelSlot.Lease lease = slot.tryAcquire().orElseThrow()) {
                assertThat(lease.model()).isSameAs(current);
            }
        }
    }

    @Test
    void shouldCloseAReplacedModelOnlyWhenItsLastLeaseIsReleased() throws Exception {
        try (ModelSlot slot = new ModelSlot()) {
            OnnxModel first = model(1);
            slot.install(first);
            ModelSlot.Lease lease = slot.tryAcquire().orElseThrow();

            slot.install(model(2));

            assertThat(first.isClosed()).isFalse();
            assertThat(lease.model().predict(new float[][] {{1, 0, 0, 0}})[0][0]).isGreaterThan(0.99f);
            lease.close();
            assertThat(first.isClosed()).isTrue();
            assertThat(slot.currentVersion()).isEqualTo(2);
        }
    }

    @Test
    void shouldCloseTheServedModelWhenClosedAndRefuseLaterInstalls() throws Exception {
        ModelSlot slot = new ModelSlot();
        OnnxModel served = model(1);
        slot.install(served);

        slot.close();

        assertThat(served.isClosed()).isTrue();
        assertThat(slot.tryAcquire()).isEmpty();
        try (OnnxModel late = model(2)) {
            assertThatThrownBy(() -> slot.install(late))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldHandOverAModelToAnotherSlotWithoutClosingIt() throws Exception {
        try (ModelSlot champion = new ModelSlot(); ModelSlot candidate = new ModelSlot()) {
            OnnxModel first = model(1);
            OnnxModel second = model(2);
            champion.install(first);
            candidate.install(second);
            ModelSlot.Lease shadowLease = candidate.tryAcquire().orElseThrow();

            champion.takeFrom(candidate);
            shadowLease.close();

            assertThat(candidate.tryAcquire()).isEmpty();
            assertThat(champion.currentVersion()).isEqualTo(2);
            assertThat(second.isClosed()).isFalse();
            assertThat(first.isClosed()).isTrue();
        }
    }

    @Test
    void shouldStopServingOnClearButCloseOnlyAfterTheLastLease() throws Exception {
        try (ModelSlot slot = new ModelSlot()) {
            OnnxModel model = model(3);
            slot.install(model);
            ModelSlot.Lease lease = slot.tryAcquire().orElseThrow();

            assertThat(slot.clear()).isEqualTo(3);

            assertThat(slot.tryAcquire()).isEmpty();
            assertThat(model.isClosed()).isFalse();
            lease.close();
            assertThat(model.isClosed()).isTrue();
            assertThat(slot.clear()).isZero();
            assertThat(slot.install(model(1))).isTrue();
        }
    }

    @Test
    void shouldReplaceWithAnOlderVersionWhenAskedTo() throws Exception {
        try (ModelSlot slot = new ModelSlot()) {
            OnnxModel newer = model(5);
            slot.install(newer);

            slot.replace(model(2));

            assertThat(slot.currentVersion()).isEqualTo(2);
            assertThat(newer.isClosed()).isTrue();
        }
    }

    @Test
    void shouldSwapHundredsOfTimesUnderConcurrentPredictionsWithoutClosingAModelInUse() throws Exception {
        int scorers = 3;
        int swaps = 300;
        ModelSlot slot = new ModelSlot();
        List<OnnxModel> models = new ArrayList<>();
        models.add(model(1));
        slot.install(models.get(0));
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong predictions = new AtomicLong();
        CountDownLatch started = new CountDownLatch(scorers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < scorers; t++) {
            Thread thread = new Thread(() -> {
                started.countDown();
                long lastVersion = 0;
                float[][] batch = {{0, 1, 0, 0}, {0, 0, 1, 0}};
                try {
                    while (!stop.get()) {
                        try (ModelSlot.Lease lease = slot.tryAcquire().orElseThrow()) {
                            OnnxModel model = lease.model();
                            assertThat(model.isClosed()).isFalse();
                            assertThat(model.version()).isGreaterThanOrEqualTo(lastVersion);
                            lastVersion = model.version();
                            float[][] p = model.predict(batch);
                            assertThat(p[0][1]).isGreaterThan(0.99f);
                            assertThat(p[1][2]).isGreaterThan(0.99f);
                            predictions.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "scorer-" + t);
            thread.start();
            threads.add(thread);
        }
        started.await();
        try {
            for (long version = 2; version <= swaps + 1; version++) {
                OnnxModel next = model(version);
                models.add(next);
                assertThat(slot.install(next)).isTrue();
            }
        } catch (Throwable e) {
            failures.add(e);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        assertThat(failures).isEmpty();
        assertThat(predictions.get()).isGreaterThan(swaps);
        assertThat(models.subList(0, models.size() - 1)).allMatch(OnnxModel::isClosed);
        assertThat(models.get(models.size() - 1).isClosed()).isFalse();
        slot.close();
        assertThat(models).allMatch(OnnxModel::isClosed);
    }
}
