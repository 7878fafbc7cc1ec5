package io.streamlearn.ingest;

import io.streamlearn.common.config.Settings;
import io.streamlearn.common.service.ServiceRuntime;
import io.streamlearn.ingest.http.IngestServer;

/** Entry point of the ingest service alone (container image): configuration from the environment. */
public final class IngestMain {
    private IngestMain() {
    }

    public static void main(String[] args) throws Exception {
        run(ServiceRuntime.settingsFromEnvironment());
    }

    /** Validates the configuration, serves until SIGTERM, then finishes in-flight requests. */
    public static void run(Settings settings) throws InterruptedException {
        IngestConfig config = IngestConfig.from(settings);
        ServiceRuntime rt = ServiceRuntime.start(settings);
        rt.own(IngestServer.start(config, rt.kafka(), rt.registry()));
        rt.awaitShutdown();
    }
}
