package io.streamlearn.ingest.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/**
 * The ingest service's Prometheus metrics, registered into the registry passed in. Label values are bounded:
 * {@code endpoint} is one of samples, events, labels, healthz, other; {@code reason} a
 * {@link io.streamlearn.ingest.validation.RejectReason} label; {@code status} an HTTP status code.
 */
public final class IngestMetrics {
    private final Counter requests;
    private final Counter accepted;
    private final Counter rejected;
    private final Histogram latency;
    private final Counter produceErrors;
    private final Counter requestBytes;

    public IngestMetrics(CollectorRegistry registry) {
        requests = Counter.build("streamlearn_ingest_requests_total", "HTTP requests answered, by endpoint and status")
                .labelNames("endpoint", "status").register(registry);
        accepted = Counter.build("streamlearn_ingest_records_accepted_total",
                "records acknowledged by Kafka and accepted").labelNames("endpoint").register(registry);
        rejected = Counter.build("streamlearn_ingest_records_rejected_total",
                "records of rejected requests, by the first problem found in each record")
                .labelNames("endpoint", "reason").register(registry);
        latency = Histogram.build("streamlearn_ingest_request_seconds",
                        "time from receiving a request to answering it, Kafka acknowledgements included")
                .labelNames("endpoint")
                .buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        produceErrors = Counter.build("streamlearn_ingest_produce_errors_total",
                "requests whose records Kafka did not acknowledge in time or refused").register(registry);
        requestBytes = Counter.build("streamlearn_ingest_request_bytes_total", "request body bytes read")
                .labelNames("endpoint").register(registry);
    }

    public void request(String endpoint, int status, double seconds, long bodyBytes) {
        requests.labels(endpoint, Integer.toString(status)).inc();
        latency.labels(endpoint).observe(seconds);
        if (bodyBytes > 0) {
            requestBytes.labels(endpoint).inc(bodyBytes);
        }
    }

    public void accepted(String endpoint, int records) {
        accepted.labels(endpoint).inc(records);
    }

    public void rejected(String endpoint, String reason, int records) {
        rejected.labels(endpoint, reason).inc(records);
    }

    public void produceError() {
        produceErrors.inc();
    }
}
