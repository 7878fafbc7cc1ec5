package io.streamlearn.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.metrics.MetricsSettings;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.trainer.TrainerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compose stack's configuration agrees with the code: every STREAMLEARN_* variable that docker-compose.yml or
 * an env example sets is a key some service knows (an unknown key under a service's prefix stops it at start),
 * with a default the key accepts; every variable is documented; the topic initializer creates exactly the
 * pipeline's topics with the models topic's settings; a scaled scorer keeps its state per instance.
 */
class ComposeConfigurationTest {
    private static final Path ROOT = repositoryRoot();
    /** `  NAME: value` in the compose file's environment maps. */
    private static final Pattern COMPOSE_ENTRY = Pattern.compile("(?m)^\\s+(STREAMLEARN_[A-Z0-9_]+):\\s*(.*?)\\s*$");
    /** `NAME=value` in env files. */
    private static final Pattern ENV_FILE_ENTRY = Pattern.compile("(?m)^(STREAMLEARN_[A-Z0-9_]+)=(.*)$");
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::?-([^}]*))?}");
    /** Read by the images' logback.xml, not by a service's configuration. */
    private static final Set<String> LOGGING = Set.of("STREAMLEARN_LOG_LEVEL");
    private static final Map<String, ConfigKey<?>> KEYS = Stream.of(KafkaSettings.KEYS, MetricsSettings.KEYS,
                    IngestConfig.KEYS, TrainerConfig.KEYS, ScorerConfig.KEYS, MonitoringConfig.KEYS)
            .flatMap(List::stream)
            .collect(Collectors.toMap(ConfigKey::envName, Function.identity(), (a, b) -> a, LinkedHashMap::new));

    @Test
    void shouldSetOnlyKeysTheServicesKnowWithDefaultsTheyAccept() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.putAll(entries(COMPOSE_ENTRY, read("docker-compose.yml")));
        entries.putAll(entries(ENV_FILE_ENTRY, read("deploy/security.env.example")));
        assertThat(entries).isNotEmpty();

        entries.forEach((name, raw) -> {
            if (name.startsWith("STREAMLEARN_KAFKA_CLIENT_") || LOGGING.contains(name)) {
                return;
            }
            assertThat(KEYS).as("%s is no configuration key: the service would refuse to start", name)
                    .containsKey(name);
            ConfigKey<?> key = KEYS.get(name);
            String value = withDefaults(raw);
            assertThatCode(() -> Settings.of(Map.of(key.name(), value)).get(key)).as("%s = '%s'", name, value)
                    .doesNotThrowAnyException();
        });
    }

    @Test
    void shouldDocumentEveryVariableOfTheStack() throws IOException {
        String compose = read("docker-compose.yml");
        Set<String> variables = new TreeSet<>(entries(COMPOSE_ENTRY, compose).keySet());
        SUBSTITUTION.matcher(compose).results().map(m -> m.group(1)).forEach(variables::add);
        String readme = read("deploy/README.md");

        assertThat(variables).isNotEmpty().allSatisfy(v -> assertThat(readme).as("deploy/README.md documents " + v)
                .contains("`" + v + "`"));
    }

    @Test
    void shouldCreateExactlyThePipelineTopicsWithTheModelsTopicSettings() throws IOException {
        String script = read("deploy/kafka/create-topics.sh");
        Matcher topics = Pattern.compile("(?m)^TOPICS=\\(([^)]*)\\)").matcher(script);
        Matcher models = Pattern.compile("(?m)^MODELS_CONFIG=\"([^\"]*)\"").matcher(script);
        assertThat(topics.find()).as("TOPICS=(...) in the script").isTrue();
        assertThat(models.find()).as("MODELS_CONFIG=\"...\" in the script").isTrue();

        assertThat(topics.group(1).trim().split("\\s+")).containsExactlyInAnyOrderElementsOf(
                Topics.ALL.stream().map(Topic::name).toList());
        Map<String, String> modelsConfig = Arrays.stream(models.group(1).split(","))
                .map(s -> s.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertThat(modelsConfig).isEqualTo(Topics.MODELS.config());
    }

    @Test
    void shouldLetTheScorerScaleWithItsStateOnAVolumePerInstance() throws IOException {
        String scorer = service(read("docker-compose.yml"), "scorer");
        Matcher stateDir = Pattern.compile("STREAMLEARN_SCORER_STATE_DIR: (\\S+)").matcher(scorer);
        assertThat(stateDir.find()).as("the scorer's state dir is set").isTrue();

        assertThat(scorer).doesNotContain("container_name").doesNotContain("ports:")
                .containsPattern("(?m)^\\s+- " + Pattern.quote(stateDir.group(1)) + "$");
    }

    /** The lines of one service's definition: from `  name:` up to the next top-level entry of `services`. */
    private static String service(String compose, String name) {
        Matcher m = Pattern.compile("(?ms)^  " + name + ":\\n(.*?)(?=^  [a-z]|^[a-z]|\\z)").matcher(compose);
        assertThat(m.find()).as("service " + name + " in docker-compose.yml").isTrue();
        return m.group(1);
    }

    private static Map<String, String> entries(Pattern pattern, String text) {
        Map<String, String> entries = new LinkedHashMap<>();
        pattern.matcher(text).results().forEach(m -> entries.put(m.group(1), m.group(2)));
        return entries;
    }

    /** The value compose gives when no variable is set: each ${VAR:-default} becomes its default. */
    private static String withDefaults(String raw) {
        String unquoted = raw.replaceAll("^\"(.*)\"$", "$1");
        return SUBSTITUTION.matcher(unquoted).replaceAll(m -> Matcher.quoteReplacement(
                m.group(2) == null ? "" : m.group(2)));
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    }

    private static Path repositoryRoot() {
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path dir = basedir; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docker-compose.yml")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root with docker-compose.yml above " + basedir);
    }
}
