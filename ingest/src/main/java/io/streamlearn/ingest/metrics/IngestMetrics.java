package io.streamlearn.ingest.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The ingest service's Prometheus metrics, registered into the registry passed in. Label values are bounded:
 * {@code endpoint} is one of samples, events, labels, healthz, readyz, openapi, other; {@code format} a
 * {@link io.streamlearn.ingest.validation.BodyFormat} label; {@code reason} a
 * {@link io.streamlearn.ingest.validation.RejectReason} label (for authentication: missing or invalid);
 * {@code status} an HTTP status code.
 */
public final class IngestMetrics {
    private final Counter requests;
    private final Counter accepted;
    private final Counter rejected;
    private final Histogram latency;
    private final Counter produceErrors;
    private final Counter requestBytes;
    private final Counter authFailures;
    private final Gauge inFlight;
    private final Gauge kafkaReady;

    public IngestMetrics(CollectorRegistry registry) {
        requests = Counter.build("streamlearn_ingest_requests_total", "HTTP requests answered, by endpoint and status")
                .labelNames("endpoint", "status").register(registry);
        accepted = Counter.build("streamlearn_ingest_records_accepted_total",
                "records acknowledged by Kafka and accepted, by endpoint and body format")
                .labelNames("endpoint", "format").register(registry);
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
        authFailures = Counter.build("streamlearn_ingest_auth_failures_total",
                "requests refused for a missing (401) or invalid (403) bearer token").labelNames("reason")
                .register(registry);
        inFlight = Gauge.build("streamlearn_ingest_requests_in_flight", "requests being handled now")
                .register(registry);
        kafkaReady = Gauge.build("streamlearn_ingest_kafka_ready",
                "1 when the last readiness check reached Kafka, 0 when it did not").register(registry);
    }

    public void requestStarted() {
        inFlight.inc();
    }

    /** Records an answered request; the in-flight gauge drops last, so at zero every request started is counted. */
    public void request(String endpoint, int status, double seconds, long bodyBytes) {
        requests.labels(endpoint, Integer.toString(status)).inc();
        latency.labels(endpoint).observe(seconds);
        if (bodyBytes > 0) {
            requestBytes.labels(endpoint).inc(bodyBytes);
        }
        inFlight.dec();
    }

    public void accepted(String endpoint, String format, int records) {
        accepted.labels(endpoint, format).inc(records);
    }

    public void rejected(String endpoint, String reason, int records) {
        rejected.labels(endpoint, reason).inc(records);
    }

    public void produceError() {
        produceErrors.inc();
    }

    public void authFailure(String reason) {
        authFailures.labels(reason).inc();
    }

    public void kafkaReady(boolean ready) {
        kafkaReady.set(ready ? 1 : 0);
    }
}
