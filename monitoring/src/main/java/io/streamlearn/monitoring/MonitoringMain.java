package io.streamlearn.monitoring;

import io.streamlearn.common.config.Settings;
import io.streamlearn.common.service.ServiceRuntime;

/** Entry point of the monitoring service alone (container image): configuration from the environment. */
public final class MonitoringMain {
    private MonitoringMain() {
    }

    public static void main(String[] args) throws Exception {
        run(ServiceRuntime.settingsFromEnvironment());
    }

    /** Validates the configuration and measures until SIGTERM. */
    public static void run(Settings settings) throws InterruptedException {
        MonitoringConfig config = MonitoringConfig.from(settings);
        ServiceRuntime rt = ServiceRuntime.start(settings);
        rt.serveUntilShutdown(new MonitoringService(config, rt.kafka(), rt.registry()));
    }
}
