package io.streamlearn.common.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.config.Settings;
import io.streamlearn.common.metrics.MetricsSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceRuntimeTest {

    @Test
    void shouldCloseAServiceWhoseStartFails() {
        ServiceRuntime rt = ServiceRuntime.start(Settings.of(Map.of(MetricsSettings.PORT.name(), "0")));
        FailingService service = new FailingService();

        assertThatThrownBy(() -> rt.serveUntilShutdown(service)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the admin port is taken");
        assertThat(service.closed).as("what the service started before failing is closed").isTrue();
    }

    /** Starts something, then fails, as a scorer whose admin port is taken after its stream threads started. */
    private static final class FailingService implements Service {
        private boolean closed;

        @Override
        public void onFailure(Runnable action) {
            // fails only in start()
        }

        @Override
        public void start() {
            throw new IllegalStateException("the admin port is taken");
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
