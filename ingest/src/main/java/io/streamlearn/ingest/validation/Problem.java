package io.streamlearn.ingest.validation;

/**
 * One thing wrong with a request: the record's position in the request ({@code index}, 0 for a single
 * object), the field ({@code features[3]}, or empty for the record itself) and a reason a person can act on.
 */
public record Problem(int index, String field, RejectReason code, String reason) {
}
