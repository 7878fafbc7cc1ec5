package io.streamlearn.ingest.validation;

import java.util.List;
import java.util.Locale;

/**
 * The request body encodings the API reads, chosen by the request's Content-Type: a JSON object or array,
 * newline-delimited JSON objects, CSV rows, or a stream of length-delimited protobuf messages (what
 * {@code writeDelimitedTo} writes). Text formats must be UTF-8.
 */
public enum BodyFormat {
    JSON("application/json", List.of("application/json")),
    NDJSON("application/x-ndjson", List.of("application/x-ndjson", "application/ndjson")),
    CSV("text/csv", List.of("text/csv")),
    PROTOBUF("application/x-protobuf", List.of("application/x-protobuf", "application/protobuf"));

    private final String mediaType;
    private final List<String> accepted;

    BodyFormat(String mediaType, List<String> accepted) {
        this.mediaType = mediaType;
        this.accepted = accepted;
    }

    /** The canonical media type, as clients should send it. */
    public String mediaType() {
        return mediaType;
    }

    /** The metric label, e.g. {@code ndjson}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format a Content-Type header names.
     *
     * @throws InvalidRequestException with status 415 when the type is missing, unknown, or a text type in
     *                                 another charset than UTF-8
     */
    public static BodyFormat of(String contentType) throws InvalidRequestException {
        if (contentType == null || contentType.isBlank()) {
            throw InvalidRequestException.unsupported("missing Content-Type; send one of " + mediaTypes());
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";", -1);
        String type = parts[0].trim();
        for (BodyFormat f : values()) {
            if (f.accepted.contains(type)) {
                f.checkParameters(contentType, parts);
                return f;
            }
        }
        throw InvalidRequestException.unsupported("unsupported Content-Type " + truncate(contentType)
                + "; send one of " + mediaTypes());
    }

    private void checkParameters(String contentType, String[] parts) throws InvalidRequestException {
        if (this == PROTOBUF) {
            return;
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim().replace("\"", "");
            if (param.startsWith("charset=") && !param.equals("charset=utf-8")) {
                throw InvalidRequestException.unsupported("unsupported charset in " + truncate(contentType)
                        + "; send UTF-8");
            }
        }
    }

    private static String truncate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    private static List<String> mediaTypes() {
        return List.of(values()).stream().map(BodyFormat::mediaType).toList();
    }
}
