package io.streamlearn.bench.stage;

import io.streamlearn.bench.kafka.EventLoad;
import io.streamlearn.bench.kafka.PredictionWatch;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.ScorerConfig;

/**
 * One live run against the application under test: events at a fixed rate for some seconds, a watch on the
 * predictions topic (read_committed under exactly-once), and a wait for the last predictions. Both are closed when
 * {@link #drive} returns; what they recorded stays readable.
 */
record LiveRun(EventLoad load, PredictionWatch watch) {

    static LiveRun drive(KafkaSettings kafka, String guarantee, String prefix, double rate, double seconds,
                         long drainMs) {
        EventLoad load = new EventLoad(kafka, prefix, rate, seconds);
        PredictionWatch watch = new PredictionWatch(kafka, Topics.PREDICTIONS.name(), prefix,
                load.sequenceAt(seconds) + 1, ScorerConfig.EXACTLY_ONCE_V2.equals(guarantee), false);
        try (load; watch) {
            watch.start();
            load.start();
            ScorerApps.sleep((long) (seconds * 1000));
            load.stop();
            ScorerApps.sleep(drainMs);
        }
        return new LiveRun(load, watch);
    }
}
