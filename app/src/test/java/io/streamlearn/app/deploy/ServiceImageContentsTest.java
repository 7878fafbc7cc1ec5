package io.streamlearn.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each service image carries. deploy/Dockerfile copies one service's jar and that module's Maven runtime
 * dependencies ({@code dependency:copy-dependencies -DincludeScope=runtime}) plus the logging backend of
 * deploy/logging; this test resolves the same runtime dependency sets with Maven (offline when the outer build
 * is) and checks them: the scorer carries no DL4J/ND4J, the trainer no ONNX Runtime or Kafka Streams, no image
 * carries the Kafka broker or test libraries.
 */
class ServiceImageContentsTest {
    private static final List<String> SERVICES = List.of("ingest", "trainer", "scorer", "monitoring");
    private static final List<String> DL4J = List.of("org.deeplearning4j:", "org.nd4j:", "org.bytedeco:");
    private static final String ONNX_RUNTIME = "com.microsoft.onnxruntime:onnxruntime";
    private static final String KAFKA_STREAMS = "org.apache.kafka:kafka-streams";
    private static final List<String> NEVER_IN_AN_IMAGE = List.of("io.streamlearn:streamlearn-embedded-kafka",
            "io.streamlearn:streamlearn-testing",
            "io.streamlearn:streamlearn-app", "org.apache.kafka:kafka_2.13", "org.apache.kafka:kafka-server",
            "org.junit", "org.assertj", "org.apache.kafka:kafka-streams-test-utils");

    private static Path root;
    private static Map<String, List<String>> runtime;

    @BeforeAll
    static void resolveRuntimeDependencies(@TempDir Path work) throws Exception {
        root = repositoryRoot();
        Path trees = work.resolve("trees.txt");
        maven(work, "-f", root.resolve("pom.xml").toString(), "-pl", String.join(",", SERVICES), "-am",
                "dependency:tree", "-Dscope=runtime", "-DoutputFile=" + trees, "-DappendOutput=true");
        maven(work, "-f", root.resolve("deploy/logging/pom.xml").toString(),
                "dependency:tree", "-Dscope=runtime", "-DoutputFile=" + trees, "-DappendOutput=true");
        runtime = parseTrees(Files.readAllLines(trees, StandardCharsets.UTF_8));
    }

    @Test
    void shouldKeepDeepLearning4jOutOfTheScorerImage() {
        assertThat(runtime("scorer")).contains(ONNX_RUNTIME, KAFKA_STREAMS)
                .noneMatch(ServiceImageContentsTest::isDl4j);
    }

    @Test
    void shouldKeepOnnxRuntimeAndKafkaStreamsOutOfTheTrainerImage() {
        assertThat(runtime("trainer")).contains("org.deeplearning4j:deeplearning4j-nn", "org.nd4j:nd4j-native")
                .doesNotContain(ONNX_RUNTIME, KAFKA_STREAMS);
    }

    @Test
    void shouldGiveIngestAndMonitoringNeitherDeepLearningNorInference() {
        assertThat(runtime("ingest")).doesNotContain(ONNX_RUNTIME, KAFKA_STREAMS)
                .noneMatch(ServiceImageContentsTest::isDl4j);
        assertThat(runtime("monitoring")).contains(KAFKA_STREAMS).doesNotContain(ONNX_RUNTIME)
                .noneMatch(ServiceImageContentsTest::isDl4j);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "trainer", "scorer", "monitoring"})
    void shouldCarryOnlyTheServiceAndWhatItRuns(String service) {
        assertThat(runtime(service)).contains("io.streamlearn:streamlearn-common")
                .noneMatch(a -> NEVER_IN_AN_IMAGE.stream().anyMatch(a::startsWith))
                .noneMatch(a -> a.startsWith("io.streamlearn:streamlearn-") && !a.endsWith("-common"));
    }

    @Test
    void shouldAddOnlyTheLoggingBackendToEveryImage() {
        assertThat(runtime("container-logging")).containsExactlyInAnyOrder("ch.qos.logback:logback-classic",
                "ch.qos.logback:logback-core", "org.slf4j:slf4j-api");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "trainer", "scorer", "monitoring"})
    void shouldStartEachServiceByItsEnvironmentConfiguredMain(String service) throws Exception {
        String main = "io.streamlearn." + service + "." + service.substring(0, 1).toUpperCase(Locale.ROOT)
                + service.substring(1) + "Main";
        Method entry = Class.forName(main).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(entry.getModifiers())).as(main + ".main is static").isTrue();
        assertThat(dockerfile()).contains(service + ") main=" + main + " ;;");
    }

    @Test
    void shouldBuildTheImagesFromTheRuntimeDependencySetsCheckedHere() throws IOException {
        assertThat(dockerfile())
                .contains("mvn -B -ntp -pl \"${SERVICE}\" -am -DskipTests package dependency:copy-dependencies"
                        + " -DincludeScope=runtime")
                .contains("-f deploy/logging/pom.xml dependency:copy-dependencies -DincludeScope=runtime")
                .contains("cp \"${SERVICE}\"/target/dependency/*.jar /out/lib/")
                .contains("COPY --from=build /out/ /app/")
                .contains("USER 10001:10001")
                .contains("HEALTHCHECK");
        assertThat(Pattern.compile("(?m)^COPY --from=").matcher(dockerfile()).results().count())
                .as("the runtime stage copies only the build output").isEqualTo(1);
    }

    private static List<String> runtime(String module) {
        assertThat(runtime).as("runtime dependencies resolved for " + module).containsKey(module);
        return runtime.get(module);
    }

    private static boolean isDl4j(String artifact) {
        return DL4J.stream().anyMatch(artifact::startsWith);
    }

    private static String dockerfile() throws IOException {
        return Files.readString(root.resolve("deploy/Dockerfile"), StandardCharsets.UTF_8);
    }

    /**
     * Splits appended {@code dependency:tree} outputs by module ({@code io.streamlearn:streamlearn-<module>}) into
     * the runtime artifacts of each, as groupId:artifactId.
     */
    static Map<String, List<String>> parseTrees(List<String> lines) {
        Pattern rootLine = Pattern.compile("^io\\.streamlearn:streamlearn-([a-z-]+):(jar|pom):.*");
        Pattern node = Pattern.compile("^[|+\\\\\\- ]+([^:\\s]+):([^:\\s]+):.*");
        Map<String, List<String>> modules = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            Matcher start = rootLine.matcher(line);
            Matcher dependency = node.matcher(line);
            if (start.matches()) {
                current = modules.computeIfAbsent(start.group(1), k -> new ArrayList<>());
            } else if (dependency.matches() && current != null) {
                current.add(dependency.group(1) + ":" + dependency.group(2));
            }
        }
        return modules;
    }

    private static Path repositoryRoot() {
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path dir = basedir; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("deploy/Dockerfile")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root with deploy/Dockerfile above " + basedir);
    }

    /** Runs Maven quietly, offline when the build running this test is; fails with its output otherwise. */
    private static void maven(Path work, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mavenExecutable(), "-B", "-q"));
        String outer = Optional.ofNullable(System.getenv("MAVEN_CMD_LINE_ARGS")).orElse("");
        if (List.of(outer.trim().split("\\s+")).stream().anyMatch(a -> a.equals("-o") || a.equals("--offline"))) {
            command.add("-o");
        }
        Optional.ofNullable(System.getProperty("localRepository"))
                .ifPresent(repo -> command.add("-Dmaven.repo.local=" + repo));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(work, "maven", ".log");
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("Maven did not finish within 5 minutes: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Maven failed (" + process.exitValue() + "): " + command + "\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static String mavenExecutable() {
        for (String home : new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME")}) {
            if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
                return Path.of(home, "bin", "mvn").toString();
            }
        }
        return "mvn";
    }
}
