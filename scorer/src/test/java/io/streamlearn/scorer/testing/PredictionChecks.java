package io.streamlearn.scorer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.common.wire.Prediction;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Assertions on predictions read back from Kafka, shared by the integration tests. */
public final class PredictionChecks {
    private PredictionChecks() {
    }

    /** Events {@code <prefix>0} until {@code <prefix><sent - 1>} each have exactly one prediction, and no other. */
    public static void assertExactlyOnePredictionPerEvent(List<ConsumerRecord<String, Prediction>> read,
                                                          String prefix, int sent) {
        Map<String, Long> perId = read.stream()
                .collect(Collectors.groupingBy(r -> r.value().getId(), Collectors.counting()));
        assertThat(perId.entrySet()).as("events predicted more than once")
                .filteredOn(e -> e.getValue() > 1).isEmpty();
        for (int n = 0; n < sent; n++) {
            assertThat(perId).as("prediction of event %s%d", prefix, n).containsKey(prefix + n);
        }
        assertThat(perId).hasSize(sent);
    }
}
