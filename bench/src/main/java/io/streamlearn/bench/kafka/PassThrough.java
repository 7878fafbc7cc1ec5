package io.streamlearn.bench.kafka;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.topology.ScorerTopology;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The scorer's peer: a Kafka Streams application that copies each record of {@code events}, key and value
 * bytes unchanged, to an output topic, with no decoding and no model. It runs with the scorer's own streams
 * settings ({@link ScorerTopology#streamsProperties}: processing guarantee, commit interval, poll time, threads),
 * so that the difference between the two is what the scorer does per record.
 */
public final class PassThrough {
    private PassThrough() {
    }

    public static void build(StreamsBuilder builder, String input, String output) {
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    }

    /** A pass-through from events to {@code output} configured like a scorer with {@code config}. */
    public static KafkaStreams create(ScorerConfig config, KafkaSettings kafka, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, Topics.EVENTS.name(), output);
        return new KafkaStreams(builder.build(), ScorerTopology.streamsProperties(config, kafka));
    }
}
