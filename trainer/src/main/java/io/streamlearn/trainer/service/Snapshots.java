package io.streamlearn.trainer.service;

import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.PartitionOffset;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.learn.SampleDigest;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/** Builds a snapshot's lineage (everything but the model bytes) and the ONNX metadata that repeats it. */
final class Snapshots {
    static final String SAMPLE_DIGEST = "learned_sample_digest";

    private Snapshots() {
    }

    static ModelSnapshot lineage(TrainerConfig config, long version, long samplesLearned,
                                 Map<TopicPartition, Long> offsets, Map<String, Double> metrics, long createdAtMs) {
        ModelSnapshot.Builder snapshot = ModelSnapshot.newBuilder()
                .setModelName(config.modelName())
                .setVersion(version)
                .setSamplesLearned(samplesLearned)
                .putAllTrainingMetrics(metrics)
                .setCreatedAtMs(createdAtMs)
                .setInputSize(config.inputSize())
                .addAllClassNames(config.classNames())
                .setInputName(OnnxExporter.INPUT_NAME)
                .setOutputName(OnnxExporter.OUTPUT_NAME);
        offsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::topic)
                        .thenComparingInt(TopicPartition::partition)))
                .forEach(e -> snapshot.addOffsets(PartitionOffset.newBuilder().setTopic(e.getKey().topic())
                        .setPartition(e.getKey().partition()).setOffset(e.getValue())));
        return snapshot.build();
    }

    /** Refuses a snapshot the models topic would not accept, before anything is sent. */
    static void requireFits(ModelSnapshot snapshot) {
        if (snapshot.getSerializedSize() > Topics.MAX_SNAPSHOT_BYTES) {
            throw new SnapshotTooLargeException("snapshot " + snapshot.getModelName() + " v" + snapshot.getVersion()
                    + " is " + snapshot.getSerializedSize() + " bytes, over the " + Topics.MAX_SNAPSHOT_BYTES
                    + "-byte limit of " + Topics.MODELS + "; use smaller hidden layers");
        }
    }

    /**
     * ONNX metadata_props: the lineage as text, so that the model file alone says where it came from, plus the
     * {@link io.streamlearn.trainer.learn.SampleDigest} of the samples learned (key {@value #SAMPLE_DIGEST}).
     */
    static Map<String, String> metadata(ModelSnapshot lineage, long sampleDigest) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("model_name", lineage.getModelName());
        props.put("model_version", Long.toString(lineage.getVersion()));
        props.put("samples_learned", Long.toString(lineage.getSamplesLearned()));
        props.put("offsets", lineage.getOffsetsList().stream()
                .map(o -> o.getTopic() + "-" + o.getPartition() + ":" + o.getOffset())
                .collect(Collectors.joining(",")));
        props.put("training_metrics", new TreeMap<>(lineage.getTrainingMetricsMap()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        props.put("created_at_ms", Long.toString(lineage.getCreatedAtMs()));
        props.put("input_size", Integer.toString(lineage.getInputSize()));
        props.put("class_names", String.join(",", lineage.getClassNamesList()));
        props.put(SAMPLE_DIGEST, SampleDigest.format(sampleDigest));
        return props;
    }
}
