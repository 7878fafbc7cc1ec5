package io.streamlearn.scorer;

import io.streamlearn.common.config.Settings;
import io.streamlearn.common.service.ServiceRuntime;

/** Entry point of the scorer alone (container image): configuration from the environment. */
public final class ScorerMain {
    private ScorerMain() {
    }

    public static void main(String[] args) throws Exception {
        run(ServiceRuntime.settingsFromEnvironment());
    }

    /** Validates the configuration, scores until SIGTERM, then commits and closes the sessions. */
    public static void run(Settings settings) throws InterruptedException {
        ScorerConfig config = ScorerConfig.from(settings);
        ServiceRuntime rt = ServiceRuntime.start(settings);
        rt.serveUntilShutdown(new ScorerService(config, rt.kafka(), rt.registry()));
    }
}
