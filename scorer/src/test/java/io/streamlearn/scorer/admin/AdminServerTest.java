package io.streamlearn.scorer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ModelRejectedException;
import io.streamlearn.scorer.model.OnnxModel;
import io.streamlearn.scorer.model.ServingModels;
import io.streamlearn.scorer.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INPUT = 4;

    private final HttpClient http = HttpClient.newHttpClient();
    private ServingModels serving;
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        serving = new ServingModels(ScorerConfig.Promotion.IMMEDIATE, ENV, INPUT,
                new ScorerMetrics(new CollectorRegistry()));
        for (long version = 1; version <= 2; version++) {
            ModelSnapshot snapshot = TestModels.snapshot(version, INPUT, 3);
            serving.offer(OnnxModel.load(ENV, snapshot, INPUT), snapshot);
        }
        serving.rejected(3, new ModelRejectedException(ModelRejectedException.Reason.INPUT_SIZE_MISMATCH,
                "model 'digits' v3: input size 5 but this scorer is configured for 4 features"));
        admin = AdminServer.start("127.0.0.1", 0, serving);
    }

    @AfterEach
    void stop() {
        admin.close();
        serving.close();
    }

    @Test
    void shouldDescribeTheModelsItHolds() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("champion").asLong()).isEqualTo(2);
        assertThat(body.get("candidate").isNull()).isTrue();
        assertThat(body.get("pinned").asLong()).isZero();
        assertThat(body.get("held")).extracting(JsonNode::asLong).containsExactly(1L, 2L);
        assertThat(body.get("rejected")).extracting(JsonNode::asLong).containsExactly(3L);
        assertThat(body.get("promotionEnabled").asBoolean()).isFalse();
    }

    @Test
    void shouldPinAHeldVersionAndUnpinIt() throws Exception {
        HttpResponse<String> pinned = send("POST", "/v1/pin?version=1");

        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(pinned.body()).get("pinned").asLong()).isEqualTo(1);
        assertThat(serving.championVersion()).isEqualTo(1);

        HttpResponse<String> unpinned = send("DELETE", "/v1/pin");

        assertThat(unpinned.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(unpinned.body()).get("pinned").asLong()).isZero();
        assertThat(serving.championVersion()).isEqualTo(2);
    }

    @Test
    void shouldAnswerNotFoundForAVersionItDoesNotHold() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/pin?version=9");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("v9 is not held", "[1, 2]");
        assertThat(serving.championVersion()).isEqualTo(2);
    }

    @Test
    void shouldAnswerConflictWithTheReasonForARejectedVersion() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/pin?version=3");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("input size 5");
    }

    @Test
    void shouldAnswerBadRequestWithoutAVersion() throws Exception {
        assertThat(send("POST", "/v1/pin").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/pin?version=two").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/pin?version=0").statusCode()).isEqualTo(400);
    }

    @Test
    void shouldRefuseOtherMethodsAndPaths() throws Exception {
        HttpResponse<String> put = send("PUT", "/v1/models");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("GET");
        assertThat(send("GET", "/v1/pin").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/v1/models/extra").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
