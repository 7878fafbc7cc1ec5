package io.streamlearn.bench.memory;

import io.streamlearn.bench.kafka.BenchTopics;
import io.streamlearn.bench.kafka.PassThrough;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.topology.ScorerTopology;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * The scorer's peer in the memory run, as a process of its own: copies events and samples to
 * {@link BenchTopics#PASS_THROUGH_OUT} with the scorer's default streams settings until SIGTERM.
 * Arguments: bootstrap servers, state directory.
 */
public final class PassThroughMain {
    private PassThroughMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaSettings kafka = KafkaSettings.local(args[0], 3);
        ScorerConfig config = ScorerConfig.from(Settings.of(Map.of(
                ScorerConfig.APPLICATION_ID.name(), "bench-pass-through-memory",
                ScorerConfig.STATE_DIR.name(), Path.of(args[1]).toString())));
        StreamsBuilder builder = new StreamsBuilder();
        PassThrough.build(builder, Topics.EVENTS.name(), BenchTopics.PASS_THROUGH_OUT.name());
        PassThrough.build(builder, Topics.SAMPLES.name(), BenchTopics.PASS_THROUGH_OUT.name());
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaStreams streams = new KafkaStreams(builder.build(), ScorerTopology.streamsProperties(config, kafka));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }));
        streams.start();
        stopped.await();
    }
}
