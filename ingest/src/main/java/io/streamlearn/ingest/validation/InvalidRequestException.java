package io.streamlearn.ingest.validation;

import java.util.List;
import java.util.Map;

/**
 * A request rejected whole: the HTTP status to answer (400, 413 or 415), a summary, the problems found (at most
 * {@link RequestParser#MAX_PROBLEMS}, out of {@code problemCount}), the JSON location of a syntax error
 * ({@code line}/{@code column} in text formats, 0 when not a syntax error), and how many records were rejected for which reason.
 */
public final class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final List<Problem> problems;
    private final int problemCount;
    private final int line;
    private final int column;
    private final Map<RejectReason, Integer> rejectedRecords;

    InvalidRequestException(int status, String message, List<Problem> problems, int problemCount, int line,
                            int column, Map<RejectReason, Integer> rejectedRecords) {
        super(message);
        this.status = status;
        this.problems = List.copyOf(problems);
        this.problemCount = problemCount;
        this.line = line;
        this.column = column;
        this.rejectedRecords = Map.copyOf(rejectedRecords);
    }

    static InvalidRequestException of(int status, String message, RejectReason reason, int records) {
        return new InvalidRequestException(status, message, List.of(), 0, 0, 0, Map.of(reason, records));
    }

    /** A body in a Content-Type the API does not read (415); its records are not counted. */
    static InvalidRequestException unsupported(String message) {
        return new InvalidRequestException(415, message, List.of(), 0, 0, 0, Map.of());
    }

    public int status() {
        return status;
    }

    public List<Problem> problems() {
        return problems;
    }

    public int problemCount() {
        return problemCount;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Records of the request per reason: each invalid record under its first problem, the rest as batch_rejected. */
    public Map<RejectReason, Integer> rejectedRecords() {
        return rejectedRecords;
    }
}
