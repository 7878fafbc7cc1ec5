package io.streamlearn.ingest.replay;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.dataset.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds the samples of one replay batch: drift applied, a fresh id each, stamped with the batch's time. */
final class ReplayBatch {
    private ReplayBatch() {
    }

    static List<Sample> build(Dataset data, int from, int to, DriftInjector drift, long timestampMs) {
        List<Sample> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            DriftInjector.Example e = drift.apply(i, new DriftInjector.Example(data.features()[i], data.labels()[i]));
            if (e == null) {
                continue;
            }
            Sample.Builder b = Sample.newBuilder().setId(UUID.randomUUID().toString()).setLabel(e.label())
                    .setTimestampMs(timestampMs);
            for (float v : e.features()) {
                b.addFeatures(v);
            }
            out.add(b.build());
        }
        return out;
    }
}
