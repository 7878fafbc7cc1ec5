package io.streamlearn.ingest.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamlearn.ingest.validation.InvalidRequestException;
import io.streamlearn.ingest.validation.Problem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An HTTP answer: its status, extra headers (Allow, Retry-After, a Content-Type other than JSON) and the body. */
record Response(int status, Map<String, String> headers, byte[] body) {
    private static final JsonFactory JSON = new JsonFactory();

    static Response accepted(List<String> ids) {
        return new Response(202, Map.of(), json(g -> {
            g.writeNumberField("accepted", ids.size());
            g.writeArrayFieldStart("ids");
            for (String id : ids) {
                g.writeString(id);
            }
            g.writeEndArray();
        }));
    }

    /** This answer with one more header. */
    Response withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new Response(status, Map.copyOf(more), body);
    }

    static Response ok() {
        return status("ok");
    }

    static Response status(String status) {
        return new Response(200, Map.of(), json(g -> g.writeStringField("status", status)));
    }

    static Response error(int status, String message) {
        return error(status, message, Map.of());
    }

    static Response error(int status, String message, Map<String, String> headers) {
        return new Response(status, headers, json(g -> {
            g.writeStringField("error", message);
            g.writeArrayFieldStart("problems");
            g.writeEndArray();
        }));
    }

    static Response invalid(InvalidRequestException e) {
        return new Response(e.status(), Map.of(), json(g -> {
            g.writeStringField("error", e.getMessage());
            if (e.line() > 0) {
                g.writeNumberField("line", e.line());
                g.writeNumberField("column", e.column());
            }
            if (e.problemCount() > 0) {
                g.writeNumberField("problem_count", e.problemCount());
            }
            g.writeArrayFieldStart("problems");
            for (Problem p : e.problems()) {
                g.writeStartObject();
                g.writeNumberField("index", p.index());
                g.writeStringField("field", p.field());
                g.writeStringField("code", p.code().label());
                g.writeStringField("reason", p.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
        }));
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a JSON answer in memory", e);
        }
        return out.toByteArray();
    }
}
