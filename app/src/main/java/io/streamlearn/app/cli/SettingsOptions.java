package io.streamlearn.app.cli;

import io.streamlearn.common.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every subcommand shares to build its {@link Settings}: a properties file and -D overrides. */
public final class SettingsOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file with streamlearn.* keys (environment variables STREAMLEARN_* override it).")
    Path configFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Set one configuration key, e.g. -Dstreamlearn.trainer.batch.size=64 (overrides file and env).")
    Map<String, String> overrides = new LinkedHashMap<>();

    public Settings load() {
        return Settings.load(configFile, System.getenv(), overrides);
    }
}
