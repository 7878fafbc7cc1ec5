package io.streamlearn.ingest.validation;

import java.util.Locale;

/**
 * Why records were rejected: a bounded set, used as the {@code reason} label of the rejection metric. A record's
 * own defects carry the names the trainer and the scorer give their dead letters ({@code wrong_feature_count},
 * {@code non_finite_feature}, {@code label_out_of_range}), so one query finds a defect in every service.
 */
public enum RejectReason {
    MALFORMED_JSON,
    MALFORMED_CSV,
    MALFORMED_PROTOBUF,
    BODY_TOO_LARGE,
    TOO_MANY_RECORDS,
    NO_RECORDS,
    NOT_AN_OBJECT,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    WRONG_TYPE,
    WRONG_FEATURE_COUNT,
    NON_FINITE_FEATURE,
    LABEL_OUT_OF_RANGE,
    INVALID_VALUE,
    /** A valid record sent in the same request as an invalid one: requests are accepted or rejected whole. */
    BATCH_REJECTED,
    KAFKA_UNAVAILABLE;

    /** The metric label and the {@code code} of a problem in an answer, e.g. {@code label_out_of_range}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
