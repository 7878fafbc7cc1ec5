package io.streamlearn.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParserTest {
    private static final long NOW = 1_700_000_000_000L;
    private final RequestParser parser = new RequestParser(4, 3, 5, () -> NOW);

    private static InputStream json(String s) {
        return new ByteArrayInputStream(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private InvalidRequestException rejectSamples(String body) {
        return catchThrowableOfType(InvalidRequestException.class, () -> parser.samples(json(body)));
    }

    private static Problem onlyProblem(InvalidRequestException e) {
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0);
    }

    @Test
    void shouldParseSingleSampleKeepingIdAndTimestamp() throws Exception {
        List<Sample> samples = parser.samples(json(
                "{'id': 's1', 'features': [0, 0.5, 1, -2.25], 'label': 2, 'timestamp': 1234}"));

        assertThat(samples).containsExactly(Sample.newBuilder().setId("s1").addFeatures(0f).addFeatures(0.5f)
                .addFeatures(1f).addFeatures(-2.25f).setLabel(2).setTimestampMs(1234).build());
    }

    @Test
    void shouldReadOnlyTheGivenLengthOfAReusedBodyBufferInEveryFormat() throws Exception {
        Sample sample = Sample.newBuilder().setId("s1").addFeatures(1f).addFeatures(2f).addFeatures(3f)
                .addFeatures(4f).setLabel(1).setTimestampMs(9).build();
        ByteArrayOutputStream delimited = new ByteArrayOutputStream();
        sample.writeDelimitedTo(delimited);
        Map<BodyFormat, byte[]> bodies = Map.of(
                BodyFormat.PROTOBUF, delimited.toByteArray(),
                BodyFormat.JSON, "{\"id\": \"s1\", \"features\": [1, 2, 3, 4], \"label\": 1, \"timestamp\": 9}"
                        .getBytes(StandardCharsets.UTF_8),
                BodyFormat.NDJSON, "{\"id\": \"s1\", \"features\": [1, 2, 3, 4], \"label\": 1, \"timestamp\": 9}\n"
                        .getBytes(StandardCharsets.UTF_8),
                BodyFormat.CSV, "id,f0,f1,f2,f3,label,timestamp\ns1,1,2,3,4,1,9\n".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<BodyFormat, byte[]> body : bodies.entrySet()) {
            byte[] buffer = Arrays.copyOf(body.getValue(), body.getValue().length + 64);
            Arrays.fill(buffer, body.getValue().length, buffer.length, (byte) '!'); // a longer earlier body

            List<EncodedRecord> records = parser.encoded(RecordKind.SAMPLE, body.getKey(), buffer,
                    body.getValue().length);

            assertThat(records).as(body.getKey().name()).singleElement()
                    .satisfies(r -> assertThat(Sample.parseFrom(r.value())).isEqualTo(sample));
        }
    }

    @Test
    void shouldRejectProtobufFeaturesSplitIntoRunsThatTogetherExceedTheInputSize() throws Exception {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(message);
        out.writeString(1, "split");
        for (int run : new int[] {6, 2}) { // the second run starts past the 4 features the parser takes
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(run * Float.BYTES);
            for (int i = 0; i < run; i++) {
                out.writeFloatNoTag(i);
            }
        }
        out.writeInt32(3, 1);
        out.flush();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream delimited = CodedOutputStream.newInstance(body);
        delimited.writeUInt32NoTag(message.size());
        delimited.writeRawBytes(message.toByteArray());
        delimited.flush();

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> parser.encoded(RecordKind.SAMPLE, BodyFormat.PROTOBUF, body.toByteArray()));

        assertThat(onlyProblem(e).field()).isEqualTo("features");
        assertThat(onlyProblem(e).reason()).contains("got 8");
    }

    @Test
    void shouldGenerateIdsAndStampArrivalTimeWhenAbsent() throws Exception {
        List<Sample> samples = parser.samples(json(
                "[{'features': [1,2,3,4], 'label': 0}, {'features': [1,2,3,4], 'label': 1, 'id': null}]"));

        assertThat(samples).hasSize(2);
        assertThat(samples).allSatisfy(s -> {
            assertThat(s.getId()).matches("[0-9a-f-]{36}");
            assertThat(s.getTimestampMs()).isEqualTo(NOW);
        });
        assertThat(samples.get(0).getId()).isNotEqualTo(samples.get(1).getId());
    }

    @Test
    void shouldParseEventsAndLabelsInBothSpellings() throws Exception {
        List<Event> events = parser.events(json("{'id': 'e1', 'features': [1, 2, 3, 4]}"));
        List<Label> labels = parser.labels(json(
                "[{'event_id': 'e1', 'label': 1}, {'eventId': 'e2', 'label': 2, 'timestamp': 5}]"));

        assertThat(events.get(0).getFeaturesList()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(labels).containsExactly(
                Label.newBuilder().setEventId("e1").setLabel(1).setTimestampMs(NOW).build(),
                Label.newBuilder().setEventId("e2").setLabel(2).setTimestampMs(5).build());
    }

    @Test
    void shouldReportSyntaxErrorWithLineAndColumn() {
        InvalidRequestException e = rejectSamples("[\n  {'features': [1, 2,, 3, 4], 'label': 0}\n]");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(22);
        assertThat(e.getMessage()).startsWith("malformed JSON at line 2, column 22");
        assertThat(e.rejectedRecords()).containsEntry(RejectReason.MALFORMED_JSON, 1);
    }

    @Test
    void shouldRejectTruncatedJson() {
        InvalidRequestException e = rejectSamples("{'features': [1, 2");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("malformed JSON at line 1");
    }

    @Test
    void shouldRejectContentAfterTheValue() {
        InvalidRequestException e = rejectSamples("{'features': [1,2,3,4], 'label': 0} {}");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("unexpected content after the JSON value");
    }

    @Test
    void shouldRejectDuplicateField() {
        InvalidRequestException e = rejectSamples("{'label': 0, 'features': [1,2,3,4], 'label': 1}");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("malformed JSON").contains("label");
    }

    @Test
    void shouldRejectWrongFeatureCount() {
        Problem p = onlyProblem(rejectSamples("{'features': [1, 2, 3], 'label': 0}"));

        assertThat(p).isEqualTo(
                new Problem(0, "features", RejectReason.WRONG_FEATURE_COUNT, "must hold 4 values, got 3"));
    }

    @Test
    void shouldRejectNaNAndInfinityLiteralsAtTheirPosition() {
        InvalidRequestException e = rejectSamples("{'features': [1, NaN, -Infinity, 4], 'label': 0}");

        assertThat(e.problems()).extracting(Problem::field, Problem::code)
                .containsExactly(tuple("features[1]", RejectReason.NON_FINITE_FEATURE),
                        tuple("features[2]", RejectReason.NON_FINITE_FEATURE));
        assertThat(e.problems().get(0).reason()).contains("NaN");
        assertThat(e.problems().get(1).reason()).contains("-Infinity");
    }

    @Test
    void shouldRejectNumberOutsideFloatRange() {
        Problem p = onlyProblem(rejectSamples("{'features': [1, 2, 3e39, 4], 'label': 0}"));

        assertThat(p.field()).isEqualTo("features[2]");
        assertThat(p.code()).isEqualTo(RejectReason.NON_FINITE_FEATURE);
        assertThat(p.reason()).contains("float32 range");
    }

    @Test
    void shouldRejectLabelOutOfRange() {
        assertThat(onlyProblem(rejectSamples("{'features': [1,2,3,4], 'label': 3}")))
                .isEqualTo(new Problem(0, "label", RejectReason.LABEL_OUT_OF_RANGE, "must lie in [0, 3), got 3"));
        assertThat(onlyProblem(rejectSamples("{'features': [1,2,3,4], 'label': -1}")).code())
                .isEqualTo(RejectReason.LABEL_OUT_OF_RANGE);
        assertThat(onlyProblem(rejectSamples("{'features': [1,2,3,4], 'label': 99999999999}")).code())
                .isEqualTo(RejectReason.LABEL_OUT_OF_RANGE);
    }

    @Test
    void shouldRejectMissingRequiredFields() {
        InvalidRequestException e = rejectSamples("{'id': 'x'}");

        assertThat(e.problems()).containsExactly(
                new Problem(0, "features", RejectReason.MISSING_FIELD, "required field is missing"),
                new Problem(0, "label", RejectReason.MISSING_FIELD, "required field is missing"));
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parser.labels(json("{'label': 1}")))
                .problems()).containsExactly(
                new Problem(0, "event_id", RejectReason.MISSING_FIELD, "required field is missing"));
    }

    @Test
    void shouldRejectWrongTypesNamingFieldAndType() {
        InvalidRequestException e = rejectSamples(
                "{'id': 7, 'features': [1, '2', [3], 4], 'label': 1.5, 'timestamp': 'now'}");

        assertThat(e.problems()).extracting(Problem::field, Problem::reason).containsExactly(
                tuple("id", "must be a string, got a number"),
                tuple("features[1]", "must be a number, got a string"),
                tuple("features[2]", "must be a number, got an array"),
                tuple("label", "must be an integer class index, got 1.5"),
                tuple("timestamp",
                        "must be an integer (epoch milliseconds), got a string"));
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.code()).isEqualTo(RejectReason.WRONG_TYPE));
    }

    @Test
    void shouldRejectFeaturesThatAreNotAnArray() {
        assertThat(onlyProblem(rejectSamples("{'features': {'a': 1}, 'label': 0}")))
                .isEqualTo(new Problem(0, "features", RejectReason.WRONG_TYPE,
                        "must be an array of numbers, got an object"));
    }

    @Test
    void shouldRejectUnknownFieldAndBadValues() {
        InvalidRequestException e = rejectSamples(
                "{'id': ' ', 'features': [1,2,3,4], 'label': 0, 'lable': 1, 'timestamp': -5}");

        assertThat(e.problems()).extracting(Problem::field, Problem::code).containsExactly(
                tuple("id", RejectReason.INVALID_VALUE),
                tuple("lable", RejectReason.UNKNOWN_FIELD),
                tuple("timestamp", RejectReason.INVALID_VALUE));
    }

    @Test
    void shouldRejectLabelsGivingBothEventIdSpellings() {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> parser.labels(json("{'event_id': 'a', 'eventId': 'b', 'label': 1}")));

        assertThat(onlyProblem(e).field()).isEqualTo("eventId");
    }

    @Test
    void shouldRejectEmptyArrayEmptyBodyAndNonObjects() {
        assertThat(rejectSamples("[]").getMessage()).contains("no records");
        assertThat(rejectSamples("").getMessage()).contains("empty body");
        assertThat(rejectSamples("42").getMessage()).contains("got a number");
        assertThat(onlyProblem(rejectSamples("['x']")))
                .isEqualTo(new Problem(0, "", RejectReason.NOT_AN_OBJECT, "must be a JSON object, got a string"));
    }

    @Test
    void shouldRejectWholeRequestCountingValidRecordsAsBatchRejected() {
        InvalidRequestException e = rejectSamples("[{'features': [1,2,3,4], 'label': 0},"
                + " {'features': [1,2,3,4], 'label': 9}, {'features': [1,2,3,4], 'label': 1}]");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("1 of 3 records are invalid; nothing was accepted");
        assertThat(onlyProblem(e).index()).isEqualTo(1);
        assertThat(e.rejectedRecords()).isEqualTo(Map.of(RejectReason.LABEL_OUT_OF_RANGE, 1,
                RejectReason.BATCH_REJECTED, 2));
    }

    @Test
    void shouldRejectTooManyRecordsWith413() {
        String record = "{'features': [1,2,3,4], 'label': 0}";
        InvalidRequestException e = rejectSamples("[" + String.join(",", Collections.nCopies(6, record))
                + "]");

        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).contains("more than the limit of 5");
    }

    @Test
    void shouldRejectOversizedBodyWhileReading() {
        byte[] body = ("[" + "{\"features\": [1,2,3,4], \"label\": 0},".repeat(1000) + "]")
                .getBytes(StandardCharsets.UTF_8);
        BodyLimitInputStream limited = new BodyLimitInputStream(new ByteArrayInputStream(body), 60);

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> parser.samples(limited));

        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).contains("larger than the limit of 60 bytes");
        assertThat(limited.count()).isLessThan(body.length);
    }

    @Test
    void shouldListAtMostMaxProblemsButCountAll() {
        RequestParser wide = new RequestParser(200, 3, 5, () -> NOW);
        String features = "[" + String.join(",", Collections.nCopies(200, "NaN")) + "]";

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> wide.samples(json("{'features': " + features + ", 'label': 0}")));

        assertThat(e.problems()).hasSize(RequestParser.MAX_PROBLEMS);
        assertThat(e.problemCount()).isEqualTo(200);
        assertThat(e.getMessage()).contains("first 100 of 200 problems");
    }
}
