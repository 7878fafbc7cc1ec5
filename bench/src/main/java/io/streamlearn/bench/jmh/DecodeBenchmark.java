package io.streamlearn.bench.jmh;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Sample;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one 784-feature record from its Kafka bytes with protobuf's generated parsers, as the trainer does for
 * every Sample, and an Event with its features copied into a float[], as the scorer did before it read its fields
 * straight from the wire (its {@code InputDecoder} copies packed features in bulk; the scoring row measures it).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecodeBenchmark {
    private byte[] sample;
    private byte[] event;

    @Setup
    public void setUp() {
        float[] features = Synthetic.features(1, 1)[0];
        sample = Synthetic.sample("sample-1", features, 3, 1).toByteArray();
        event = Synthetic.event("event-1", features, 1).toByteArray();
    }

    @Benchmark
    public Sample decodeSample() throws InvalidProtocolBufferException {
        return Sample.parseFrom(sample);
    }

    @Benchmark
    public float[] decodeEventToFloats() throws InvalidProtocolBufferException {
        Event e = Event.parseFrom(event);
        float[] features = new float[e.getFeaturesCount()];
        for (int i = 0; i < features.length; i++) {
            features[i] = e.getFeatures(i);
        }
        return features;
    }
}
