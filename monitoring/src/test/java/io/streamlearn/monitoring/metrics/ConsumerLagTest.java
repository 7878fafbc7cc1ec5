package io.streamlearn.monitoring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class ConsumerLagTest {
    private final Map<MetricName, Metric> kafka = new HashMap<>();

    @Test
    void shouldSumTheRecordsLagOfInputPartitionsWithoutRestoreConsumersOrOtherTopics() {
        lag("app-StreamThread-1-consumer", "predictions", "0", 5);
        lag("app-StreamThread-1-consumer", "predictions", "1", 7);
        lag("app-StreamThread-1-consumer", "labels", "0", 1);
        lag("app-StreamThread-1-restore-consumer", "app-join-changelog", "0", 100);
        lag("app-StreamThread-1-restore-consumer", "labels", "0", 100);
        lag("app-StreamThread-1-consumer", "other", "0", 1000);
        lag("app-StreamThread-1-consumer", "labels", "1", Double.NaN);

        assertThat(collect()).isEqualTo(13.0);
    }

    @Test
    void shouldBeNaNBeforeTheFirstFetch() {
        assertThat(collect()).isNaN();
    }

    private double collect() {
        CollectorRegistry registry = new CollectorRegistry();
        new ConsumerLag(() -> kafka, Set.of("predictions", "labels")).register(registry);
        return registry.getSampleValue(ConsumerLag.NAME);
    }

    private void lag(String clientId, String topic, String partition, double value) {
        MetricName name = new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", clientId, "topic", topic, "partition", partition));
        kafka.put(name, new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }
}
