package io.streamlearn.trainer;

import io.streamlearn.common.config.Settings;
import io.streamlearn.common.service.ServiceRuntime;
import io.streamlearn.trainer.service.TrainerService;

/** Entry point of the trainer alone (container image): configuration from the environment. */
public final class TrainerMain {
    private TrainerMain() {
    }

    public static void main(String[] args) {
        run(ServiceRuntime.settingsFromEnvironment());
    }

    /**
     * Trains on this thread until SIGTERM closes the service (it then publishes what it learned) or training
     * fails; either way the process ends, so a supervisor can restart a failed trainer.
     */
    public static void run(Settings settings) {
        TrainerConfig config = TrainerConfig.from(settings);
        ServiceRuntime rt = ServiceRuntime.start(settings);
        TrainerService trainer = rt.own(new TrainerService(config, rt.kafka(), rt.registry()));
        rt.closeOnShutdown();
        trainer.run();
        rt.close();
    }
}
