package io.streamlearn.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class BodyLimitInputStreamTest {
    @Test
    void shouldReadBodyUpToTheLimit() throws Exception {
        BodyLimitInputStream in = new BodyLimitInputStream(new ByteArrayInputStream(new byte[10]), 10);

        assertThat(in.readAllBytes()).hasSize(10);
        assertThat(in.count()).isEqualTo(10);
    }

    @Test
    void shouldFailAsSoonAsTheLimitIsPassed() {
        BodyLimitInputStream in = new BodyLimitInputStream(new ByteArrayInputStream(new byte[1000]), 10);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(BodyTooLargeException.class)
                .hasMessage("request body is larger than the limit of 10 bytes");
        assertThat(in.count()).isLessThanOrEqualTo(1000);
    }
}
