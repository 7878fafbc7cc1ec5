package io.streamlearn.ingest.http;

import io.streamlearn.common.topic.Topic;
import io.streamlearn.ingest.metrics.IngestMetrics;
import io.streamlearn.ingest.validation.InvalidRequestException;
import io.streamlearn.ingest.validation.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POST endpoint: parses and validates the whole body, and only if every record is valid sends them all to
 * the endpoint's topic, answering 202 with the record ids once Kafka has acknowledged them, or 503 if it has not
 * within the produce timeout.
 */
final class RecordEndpoint<V> {
    private static final Logger log = LoggerFactory.getLogger(RecordEndpoint.class);
    static final int RETRY_AFTER_SECONDS = 5;

    /** Reads a request body into records, or rejects it whole. */
    @FunctionalInterface
    interface BodyParser<V> {
        List<V> parse(InputStream body) throws IOException, InvalidRequestException;
    }

    private final String name;
    private final Topic<String, V> topic;
    private final BodyParser<V> parser;
    private final Function<V, String> key;
    private final RecordProducer producer;
    private final IngestMetrics metrics;

    RecordEndpoint(String name, Topic<String, V> topic, BodyParser<V> parser, Function<V, String> key,
                   RecordProducer producer, IngestMetrics metrics) {
        this.name = name;
        this.topic = topic;
        this.parser = parser;
        this.key = key;
        this.producer = producer;
        this.metrics = metrics;
    }

    String name() {
        return name;
    }

    Response handle(InputStream body) throws IOException {
        List<V> records;
        try {
            records = parser.parse(body);
        } catch (InvalidRequestException e) {
            e.rejectedRecords().forEach((reason, n) -> metrics.rejected(name, reason.label(), n));
            log.debug("rejected a {} request ({}): {}", name, e.status(), e.getMessage());
            return Response.invalid(e);
        }
        try {
            producer.sendAll(topic, records, key);
        } catch (ProduceException e) {
            metrics.produceError();
            metrics.rejected(name, RejectReason.KAFKA_UNAVAILABLE.label(), records.size());
            log.warn("answering 503 to a {} request of {} records: {}", name, records.size(), e.getMessage());
            return Response.error(503, e.getMessage() + "; retry later",
                    Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
        }
        metrics.accepted(name, records.size());
        return Response.accepted(records.stream().map(key).toList());
    }
}
