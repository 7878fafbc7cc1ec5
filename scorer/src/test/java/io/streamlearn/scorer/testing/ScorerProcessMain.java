package io.streamlearn.scorer.testing;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.ScorerService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A scorer in its own JVM, for tests that kill it: arguments are {@code streamlearn.*} settings as
 * {@code key=value}; prints {@link #READY} once started and runs until the process ends.
 */
public final class ScorerProcessMain {
    public static final String READY = "SCORER READY";

    private ScorerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = Settings.of(values);
        ScorerService scorer = new ScorerService(ScorerConfig.from(settings), KafkaSettings.from(settings),
                new CollectorRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(scorer::close, "scorer-shutdown"));
        scorer.start();
        System.out.println(READY + " serving v" + scorer.currentVersion());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
