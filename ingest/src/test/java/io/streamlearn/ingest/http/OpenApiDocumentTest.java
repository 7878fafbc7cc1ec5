package io.streamlearn.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
    private static JsonNode document() throws Exception {
        try (InputStream in = IngestServer.class.getResourceAsStream("/openapi.yaml")) {
            assertThat(in).as("openapi.yaml on the classpath").isNotNull();
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @Test
    void shouldDocumentExactlyThePathsAndMethodsTheServerServes() throws Exception {
        JsonNode doc = document();

        assertThat(doc.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        doc.get("paths").fieldNames().forEachRemaining(documented::add);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(IngestServer.ROUTES.keySet());
        IngestServer.ROUTES.forEach((path, method) -> assertThat(doc.get("paths").get(path)
                .has(method.toLowerCase(Locale.ROOT))).as(method + " " + path).isTrue());
    }

    @Test
    void shouldDocumentEveryBodyFormatAndErrorStatusOfThePostEndpoints() throws Exception {
        JsonNode paths = document().get("paths");

        for (String path : new String[] {"/v1/samples", "/v1/events", "/v1/labels"}) {
            JsonNode post = paths.get(path).get("post");
            Set<String> types = new HashSet<>();
            post.get("requestBody").get("content").fieldNames().forEachRemaining(types::add);
            assertThat(types).as(path).containsExactlyInAnyOrder("application/json", "application/x-ndjson",
                    "text/csv", "application/x-protobuf");
            Set<String> statuses = new HashSet<>();
            post.get("responses").fieldNames().forEachRemaining(statuses::add);
            assertThat(statuses).as(path).contains("202", "400", "401", "403", "413", "415", "503");
        }
    }

    @Test
    void shouldResolveEveryReference() throws Exception {
        JsonNode doc = document();
        Set<String> refs = new HashSet<>();
        collectRefs(doc, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            JsonNode target = doc.at(ref.substring(1));
            assertThat(target.isMissingNode()).as(ref).isFalse();
        });
    }

    private static void collectRefs(JsonNode node, Set<String> refs) {
        if (node.has("$ref")) {
            refs.add(node.get("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, refs));
    }
}
