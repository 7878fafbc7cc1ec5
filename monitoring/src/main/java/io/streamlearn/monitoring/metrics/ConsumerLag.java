package io.streamlearn.monitoring.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * {@code streamlearn_monitoring_consumer_lag_records}: records on the monitoring service's input partitions not yet
 * fetched, summed from the Kafka consumer's per-partition {@code records-lag} metrics (restore consumers excluded),
 * read at scrape time; NaN until the consumer has fetched from one of them.
 */
public final class ConsumerLag extends Collector {
    static final String NAME = "streamlearn_monitoring_consumer_lag_records";
    private final Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics;
    private final Set<String> topics;

    public ConsumerLag(Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics, Set<String> topics) {
        this.kafkaMetrics = kafkaMetrics;
        this.topics = Set.copyOf(topics);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        double lag = 0;
        int partitions = 0;
        for (var e : kafkaMetrics.get().entrySet()) {
            MetricName name = e.getKey();
            Map<String, String> tags = name.tags();
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && topics.contains(tags.get("topic"))
                    && !tags.getOrDefault("client-id", "").endsWith("restore-consumer")
                    && e.getValue().metricValue() instanceof Double value && !value.isNaN()) {
                lag += value;
                partitions++;
            }
        }
        return List.of(new GaugeMetricFamily(NAME,
                "Records on the monitoring service's input partitions not yet fetched (Kafka consumer records-lag); "
                        + "NaN before the first fetch.",
                partitions == 0 ? Double.NaN : lag));
    }
}
