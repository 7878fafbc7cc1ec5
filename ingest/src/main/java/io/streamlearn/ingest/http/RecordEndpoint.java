package io.streamlearn.ingest.http;

import io.streamlearn.common.topic.Topic;
import io.streamlearn.ingest.metrics.IngestMetrics;
import io.streamlearn.ingest.validation.BodyFormat;
import io.streamlearn.ingest.validation.EncodedRecord;
import io.streamlearn.ingest.validation.InvalidRequestException;
import io.streamlearn.ingest.validation.RecordKind;
import io.streamlearn.ingest.validation.RejectReason;
import io.streamlearn.ingest.validation.RequestParser;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POST endpoint: parses and validates the whole body, and only if every record is valid sends them all to
 * the endpoint's topic, answering 202 with the record ids once Kafka has acknowledged them, or 503 if it has not
 * within the produce timeout.
 */
final class RecordEndpoint {
    private static final Logger log = LoggerFactory.getLogger(RecordEndpoint.class);
    static final int RETRY_AFTER_SECONDS = 5;

    private final String name;
    private final RecordKind kind;
    private final Topic<String, ?> topic;
    private final RequestParser parser;
    private final RecordProducer producer;
    private final IngestMetrics metrics;

    RecordEndpoint(String name, RecordKind kind, Topic<String, ?> topic, RequestParser parser, RecordProducer producer,
                   IngestMetrics metrics) {
        this.name = name;
        this.kind = kind;
        this.topic = topic;
        this.parser = parser;
        this.producer = producer;
        this.metrics = metrics;
    }

    String name() {
        return name;
    }

    /** Parses, produces and answers the first {@code length} bytes of {@code body}. */
    Response handle(BodyFormat format, byte[] body, int length) {
        List<EncodedRecord> records;
        try {
            records = parser.encoded(kind, format, body, length);
        } catch (InvalidRequestException e) {
            e.rejectedRecords().forEach((reason, n) -> metrics.rejected(name, reason.label(), n));
            log.debug("rejected a {} request ({}): {}", name, e.status(), e.getMessage());
            return Response.invalid(e);
        }
        try {
            producer.sendAll(topic, records);
        } catch (ProduceException e) {
            metrics.produceError();
            metrics.rejected(name, RejectReason.KAFKA_UNAVAILABLE.label(), records.size());
            log.warn("answering 503 to a {} request of {} records: {}", name, records.size(), e.getMessage());
            return Response.error(503, e.getMessage() + "; retry later",
                    Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
        }
        metrics.accepted(name, format.label(), records.size());
        return Response.accepted(records.stream().map(EncodedRecord::key).toList());
    }
}
