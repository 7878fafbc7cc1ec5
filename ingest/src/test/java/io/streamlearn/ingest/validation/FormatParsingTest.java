package io.streamlearn.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NDJSON, CSV and delimited protobuf bodies, and choosing the format by Content-Type. */
class FormatParsingTest {
    private static final long NOW = 1_700_000_000_000L;
    private final RequestParser parser = new RequestParser(3, 4, 5, () -> NOW);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] delimited(MessageLite... messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MessageLite m : messages) {
            m.writeDelimitedTo(out);
        }
        return out.toByteArray();
    }

    private static Sample sample(String id, int label, long ts, float... features) {
        Sample.Builder b = Sample.newBuilder().setId(id).setLabel(label).setTimestampMs(ts);
        for (float f : features) {
            b.addFeatures(f);
        }
        return b.build();
    }

    private InvalidRequestException rejectSamples(BodyFormat format, byte[] body) {
        return catchThrowableOfType(InvalidRequestException.class, () -> parser.samples(format, body));
    }

    @Test
    void shouldChooseFormatByContentTypeIgnoringCaseAndParameters() throws Exception {
        assertThat(BodyFormat.of("application/json; charset=UTF-8")).isEqualTo(BodyFormat.JSON);
        assertThat(BodyFormat.of("Application/X-NDJSON")).isEqualTo(BodyFormat.NDJSON);
        assertThat(BodyFormat.of("text/csv;charset=utf-8")).isEqualTo(BodyFormat.CSV);
        assertThat(BodyFormat.of("application/x-protobuf; messageType=streamlearn.v1.Sample"))
                .isEqualTo(BodyFormat.PROTOBUF);
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> BodyFormat.of("text/plain")).status())
                .isEqualTo(415);
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> BodyFormat.of(null)).getMessage())
                .contains("missing Content-Type");
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> BodyFormat.of(";")).status())
                .as("found by the fuzzer: a type of only separators").isEqualTo(415);
        assertThat(catchThrowableOfType(InvalidRequestException.class,
                () -> BodyFormat.of("text/csv; charset=latin1")).getMessage()).contains("UTF-8");
    }

    @Test
    void shouldReadNdjsonObjectPerLine() throws Exception {
        List<Sample> samples = parser.samples(BodyFormat.NDJSON, utf8(
                "{\"id\": \"a\", \"features\": [1, 2, 3], \"label\": 1, \"timestamp\": 7}\n"
                        + "\n{\"features\": [4, 5, 6], \"label\": 3}\r\n"));

        assertThat(samples).hasSize(2);
        assertThat(samples.get(0)).isEqualTo(sample("a", 1, 7, 1, 2, 3));
        assertThat(samples.get(1).getFeaturesList()).containsExactly(4f, 5f, 6f);
        assertThat(samples.get(1).getTimestampMs()).isEqualTo(NOW);
    }

    @Test
    void shouldRejectNdjsonArrayLineAtItsIndexAndEmptyBody() {
        InvalidRequestException e = rejectSamples(BodyFormat.NDJSON,
                utf8("{\"features\": [1, 2, 3], \"label\": 1}\n[1]\n"));

        assertThat(e.problems()).containsExactly(
                new Problem(1, "", RejectReason.NOT_AN_OBJECT, "must be a JSON object, got an array"));
        assertThat(rejectSamples(BodyFormat.NDJSON, utf8("\n")).getMessage()).contains("empty body");
        assertThat(rejectSamples(BodyFormat.NDJSON, utf8("{\"features\": [1, 2, 3], \"label\": 1}\n{\"fea")).line())
                .isEqualTo(2);
    }

    @Test
    void shouldReadCsvWithoutHeader() throws Exception {
        List<Sample> samples = parser.samples(BodyFormat.CSV, utf8("1,2.5,-3e-2,0\r\n0,0,0,3\n"));
        List<Event> events = parser.events(BodyFormat.CSV, utf8("1,2,3\n"));
        List<Label> labels = parser.labels(BodyFormat.CSV, utf8("e-1,2\n\"e,2\",0"));

        assertThat(samples).extracting(Sample::getLabel).containsExactly(0, 3);
        assertThat(samples.get(0).getFeaturesList()).containsExactly(1f, 2.5f, -0.03f);
        assertThat(samples.get(0).getId()).matches("[0-9a-f-]{36}");
        assertThat(events.get(0).getFeaturesList()).containsExactly(1f, 2f, 3f);
        assertThat(labels).extracting(Label::getEventId, Label::getLabel)
                .containsExactly(tuple("e-1", 2), tuple("e,2", 0));
    }

    @Test
    void shouldReadCsvHeaderWithIdAndTimestampColumns() throws Exception {
        List<Sample> samples = parser.samples(BodyFormat.CSV,
                utf8("id,x0,x1,x2,label,timestamp\ns-1,1,2,3,2,99\n,4,5,6,1,\n"));
        List<Label> labels = parser.labels(BodyFormat.CSV, utf8("event_id,label\ne-9,1\n"));
        List<Event> events = parser.events(BodyFormat.CSV, utf8("a,b,c\n1,2,3\n"));

        assertThat(samples.get(0)).isEqualTo(sample("s-1", 2, 99, 1, 2, 3));
        assertThat(samples.get(1).getId()).matches("[0-9a-f-]{36}");
        assertThat(samples.get(1).getTimestampMs()).isEqualTo(NOW);
        assertThat(labels).containsExactly(Label.newBuilder().setEventId("e-9").setLabel(1).setTimestampMs(NOW).build());
        assertThat(events).hasSize(1);
    }

    @Test
    void shouldRejectCsvRowsSayingWhichRowAndField() {
        InvalidRequestException e = rejectSamples(BodyFormat.CSV, utf8("1,2,3,0\n1,x,3,0\n1,2,NaN,9\n1,2\n"));

        assertThat(e.problems()).extracting(Problem::index, Problem::field, Problem::code).containsExactly(
                tuple(1, "features[1]", RejectReason.WRONG_TYPE),
                tuple(2, "features[2]", RejectReason.NON_FINITE_FEATURE),
                tuple(2, "label", RejectReason.LABEL_OUT_OF_RANGE),
                tuple(3, "", RejectReason.WRONG_FEATURE_COUNT));
        assertThat(e.rejectedRecords()).containsEntry(RejectReason.BATCH_REJECTED, 1);
    }

    @Test
    void shouldRejectMalformedCsvWithLineAndColumn() {
        InvalidRequestException unterminated = rejectSamples(BodyFormat.CSV, utf8("1,2,3,0\n\"1,2,3,0\n"));
        InvalidRequestException strayQuote = rejectSamples(BodyFormat.CSV, utf8("1,2,3,0\n1,2\"x,3,0\n"));
        InvalidRequestException notUtf8 = rejectSamples(BodyFormat.CSV, new byte[] {'1', ',', (byte) 0xC3, '\n'});

        assertThat(unterminated.getMessage()).startsWith("malformed CSV at line 2, column 1");
        assertThat(strayQuote.line()).isEqualTo(2);
        assertThat(strayQuote.column()).isEqualTo(4);
        assertThat(notUtf8.getMessage()).contains("UTF-8");
        assertThat(unterminated.rejectedRecords()).containsKey(RejectReason.MALFORMED_CSV);
    }

    @Test
    void shouldRejectCsvHeaderOfTheWrongShapeAndHeaderOnlyBody() {
        assertThat(rejectSamples(BodyFormat.CSV, utf8("a,b,label\n1,2,0\n")).getMessage())
                .contains("header").contains("expected 3 features, label");
        assertThat(rejectSamples(BodyFormat.CSV, utf8("a,b,c,d\n1,2,3,0\n")).getMessage()).contains("'label'");
        assertThat(rejectSamples(BodyFormat.CSV, utf8("a,b,c,label\n")).getMessage()).contains("only a header");
        assertThat(rejectSamples(BodyFormat.CSV, utf8("\n\n")).getMessage()).contains("empty body");
    }

    @Test
    void shouldPassCompleteProtobufSamplesThroughAndCompleteTheOthers() throws Exception {
        Sample complete = sample("p-1", 3, 5, 0.5f, 1, 2);
        Sample bare = sample("", 1, 0, 1, 2, 3);

        List<Sample> samples = parser.samples(BodyFormat.PROTOBUF, delimited(complete, bare));

        assertThat(samples.get(0)).isEqualTo(complete);
        assertThat(samples.get(1).getId()).matches("[0-9a-f-]{36}");
        assertThat(samples.get(1).getTimestampMs()).isEqualTo(NOW);
        assertThat(samples.get(1).getFeaturesList()).containsExactly(1f, 2f, 3f);
    }

    @Test
    void shouldReadProtobufEventsAndLabels() throws Exception {
        List<Event> events = parser.events(BodyFormat.PROTOBUF, delimited(
                Event.newBuilder().setId("e").addAllFeatures(List.of(1f, 2f, 3f)).build()));
        List<Label> labels = parser.labels(BodyFormat.PROTOBUF, delimited(
                Label.newBuilder().setEventId("e").setLabel(2).build()));

        assertThat(events.get(0).getId()).isEqualTo("e");
        assertThat(labels.get(0).getLabel()).isEqualTo(2);
        assertThat(labels.get(0).getTimestampMs()).isEqualTo(NOW);
    }

    @Test
    void shouldRejectInvalidProtobufRecordsWithTheSameChecks() {
        Sample unknownField = sample("u", 0, 1, 1, 2, 3).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> parser.samples(
                BodyFormat.PROTOBUF, delimited(sample("a", 0, 1, 1, 2), sample("b", 4, -1, 1, Float.NaN, 3),
                        unknownField)));

        assertThat(e.problems()).extracting(Problem::index, Problem::field, Problem::code).containsExactly(
                tuple(0, "features", RejectReason.WRONG_FEATURE_COUNT),
                tuple(1, "features[1]", RejectReason.NON_FINITE_FEATURE),
                tuple(1, "label", RejectReason.LABEL_OUT_OF_RANGE),
                tuple(1, "timestamp", RejectReason.INVALID_VALUE),
                tuple(2, "", RejectReason.UNKNOWN_FIELD));
        assertThat(catchThrowableOfType(InvalidRequestException.class, () -> parser.labels(BodyFormat.PROTOBUF,
                delimited(Label.newBuilder().setLabel(1).build()))).problems())
                .extracting(Problem::field, Problem::code).containsExactly(tuple("event_id", RejectReason.MISSING_FIELD));
    }

    @Test
    void shouldFindANonFiniteFeatureAtEveryPositionOfAPackedRun() throws Exception {
        int size = 7; // odd: the check reads two floats at a time, and the last one alone
        RequestParser wide = new RequestParser(size, 4, 5, () -> NOW);
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7f800001),
            Float.intBitsToFloat(0xffc00000)};
        for (int at = 0; at < size; at++) {
            for (float v : bad) {
                float[] features = new float[size];
                Arrays.fill(features, -3.5f);
                features[at] = v;
                byte[] body = delimited(sample("s", 0, 1, features));
                for (InvalidRequestException e : List.of(
                        catchThrowableOfType(InvalidRequestException.class,
                                () -> wide.encoded(RecordKind.SAMPLE, BodyFormat.PROTOBUF, body)),
                        catchThrowableOfType(InvalidRequestException.class,
                                () -> wide.samples(BodyFormat.PROTOBUF, body)))) {
                    assertThat(e).as("%s at %d", v, at).isNotNull();
                    assertThat(e.problems()).extracting(Problem::field, Problem::code)
                            .containsExactly(tuple("features[" + at + "]", RejectReason.NON_FINITE_FEATURE));
                }
            }
        }
        float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL, -0f, 0f, 1e-40f};
        assertThat(wide.samples(BodyFormat.PROTOBUF, delimited(sample("s", 0, 1, extremes))).get(0).getFeaturesList())
                .containsExactly(Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL, -0f, 0f, 1e-40f);
    }

    @Test
    void shouldKeepTheFeatureOrderOfSplitPackedRunsAndSingleValues() throws Exception {
        // Features 1, 2 as one packed run, 3 as a single fixed32, no timestamp: the record is encoded again.
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(message);
        out.writeString(Sample.ID_FIELD_NUMBER, "split");
        out.writeTag(Sample.FEATURES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(8);
        out.writeFloatNoTag(1);
        out.writeFloatNoTag(2);
        out.writeFloat(Sample.FEATURES_FIELD_NUMBER, 3);
        out.writeInt32(Sample.LABEL_FIELD_NUMBER, 2);
        out.flush();
        byte[] split = new byte[1 + message.size()];
        split[0] = (byte) message.size(); // under 128: a one-byte varint
        System.arraycopy(message.toByteArray(), 0, split, 1, message.size());

        Sample encoded = Sample.parseFrom(parser.encoded(RecordKind.SAMPLE, BodyFormat.PROTOBUF, split).get(0).value());
        Sample parsed = parser.samples(BodyFormat.PROTOBUF, split).get(0);

        assertThat(encoded.getFeaturesList()).containsExactly(1f, 2f, 3f);
        assertThat(encoded.getTimestampMs()).isEqualTo(NOW);
        assertThat(parsed.getFeaturesList()).containsExactly(1f, 2f, 3f);
    }

    @Test
    void shouldRejectTruncatedOrGarbledProtobuf() throws Exception {
        byte[] body = delimited(sample("a", 0, 1, 1, 2, 3), sample("b", 0, 1, 1, 2, 3));
        InvalidRequestException truncated = rejectSamples(BodyFormat.PROTOBUF, Arrays.copyOf(body, body.length - 2));
        InvalidRequestException garbled = rejectSamples(BodyFormat.PROTOBUF, new byte[] {3, (byte) 0xff, 0x7f, 1});

        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.getMessage()).startsWith("malformed protobuf: message 1");
        assertThat(garbled.getMessage()).startsWith("malformed protobuf: message 0");
        assertThat(garbled.rejectedRecords()).containsKey(RejectReason.MALFORMED_PROTOBUF);
        assertThat(rejectSamples(BodyFormat.PROTOBUF, new byte[0]).getMessage()).contains("empty body");
    }

    @Test
    void shouldApplyTheRecordLimitToEveryFormat() throws Exception {
        Sample s = sample("a", 0, 1, 1, 2, 3);
        assertThat(rejectSamples(BodyFormat.PROTOBUF, delimited(s, s, s, s, s, s)).status()).isEqualTo(413);
        assertThat(rejectSamples(BodyFormat.CSV, utf8("1,2,3,0\n".repeat(6))).status()).isEqualTo(413);
        assertThat(rejectSamples(BodyFormat.NDJSON,
                utf8("{\"features\": [1, 2, 3], \"label\": 1}\n".repeat(6))).status()).isEqualTo(413);
        assertThat(parser.samples(BodyFormat.CSV, utf8("1,2,3,0\n".repeat(5)))).hasSize(5);
    }

    @Test
    void shouldTreatUndecodableJsonAsMalformedNotAsAnIoFailure() {
        InvalidRequestException e = rejectSamples(BodyFormat.JSON, new byte[] {0, 0, 0, '{', (byte) 0xff, 0, 0, 0});

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("malformed JSON");
    }
}
