package io.streamlearn.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.kafka.IngestProducers;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.MonitoringService;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.topology.ScorerTopology;
import io.streamlearn.trainer.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Kafka client security for every service comes from the same place: STREAMLEARN_KAFKA_CLIENT_* environment
 * variables (streamlearn.kafka.client.* keys), passed verbatim to every producer, consumer and admin client,
 * including those Kafka Streams creates for the scorer and monitoring. Secrets never show in a configuration
 * record's text nor in what the Kafka clients log about their settings.
 */
class KafkaSecurityConfigTest {
    private static final String SECRET = "s3cr3t-that-must-not-leak";
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"streamlearn\" password=\"" + SECRET + "\";";

    /** SASL_SSL with SCRAM and a client certificate (mTLS), as in deploy/security.env.example. */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "STREAMLEARN_KAFKA_BOOTSTRAP_SERVERS", "broker-1.example.net:9093",
            "STREAMLEARN_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
            "STREAMLEARN_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512",
            "STREAMLEARN_KAFKA_CLIENT_SASL_JAAS_CONFIG", JAAS,
            "STREAMLEARN_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/streamlearn/secrets/truststore.p12",
            "STREAMLEARN_KAFKA_CLIENT_SSL_TRUSTSTORE_PASSWORD", SECRET,
            "STREAMLEARN_KAFKA_CLIENT_SSL_KEYSTORE_LOCATION", "/etc/streamlearn/secrets/client.p12",
            "STREAMLEARN_KAFKA_CLIENT_SSL_KEYSTORE_PASSWORD", SECRET,
            "STREAMLEARN_KAFKA_CLIENT_SSL_KEY_PASSWORD", SECRET);

    /** What each client must end up with. */
    private static final Map<String, String> EXPECTED = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", JAAS,
            "ssl.truststore.location", "/etc/streamlearn/secrets/truststore.p12",
            "ssl.truststore.password", SECRET,
            "ssl.keystore.location", "/etc/streamlearn/secrets/client.p12",
            "ssl.keystore.password", SECRET,
            "ssl.key.password", SECRET);

    @TempDir
    Path work;

    private final Settings settings = Settings.load(null, ENVIRONMENT, Map.of());
    private final KafkaSettings kafka = KafkaSettings.from(settings);

    @Test
    void shouldTurnClientEnvironmentVariablesIntoKafkaClientSettings() {
        assertThat(kafka.bootstrapServers()).isEqualTo("broker-1.example.net:9093");
        assertThat(kafka.clientProperties()).containsExactlyInAnyOrderEntriesOf(EXPECTED);
    }

    @Test
    void shouldGiveTheSecuritySettingsToEveryPlainProducerConsumerAndAdmin() {
        assertSecured("producer", new ProducerConfig(withSerializers(KafkaClients.producer(kafka, "p"))));
        assertSecured("ingest producer", new ProducerConfig(withSerializers(
                IngestProducers.properties(kafka, "ingest", Duration.ofSeconds(5)))));
        assertSecured("consumer", new ConsumerConfig(withDeserializers(KafkaClients.consumer(kafka, "c", "g"))));
        assertSecured("admin", new AdminClientConfig(KafkaClients.common(kafka, "a")));
    }

    @Test
    void shouldGiveTheSecuritySettingsToEveryClientOfTheScorerStreams() {
        ScorerConfig scorer = ScorerConfig.from(settings.with(Map.of(
                "streamlearn.scorer.state.dir", work.resolve("scorer").toString())));
        assertEveryStreamsClientSecured("scorer", ScorerTopology.streamsProperties(scorer, kafka));
    }

    @Test
    void shouldGiveTheSecuritySettingsToEveryClientOfTheMonitoringStreams() {
        MonitoringConfig monitoring = MonitoringConfig.from(settings.with(Map.of(
                "streamlearn.monitoring.state.dir", work.resolve("monitoring").toString())));
        assertEveryStreamsClientSecured("monitoring", MonitoringService.streamsProperties(monitoring, kafka));
    }

    @Test
    void shouldNotShowSecretsInConfigurationRecords() throws Exception {
        Path keystore = Files.write(work.resolve("ingest.p12"), new byte[] {1});
        Settings all = settings.with(Map.of(
                "streamlearn.ingest.auth.tokens", SECRET,
                "streamlearn.ingest.tls.keystore.path", keystore.toString(),
                "streamlearn.ingest.tls.keystore.password", SECRET,
                "streamlearn.scorer.state.dir", work.resolve("scorer").toString(),
                "streamlearn.monitoring.state.dir", work.resolve("monitoring").toString()));

        assertSoftly(softly -> {
            softly.assertThat(KafkaSettings.from(all).toString()).as("KafkaSettings").doesNotContain(SECRET);
            softly.assertThat(IngestConfig.from(all).toString()).as("IngestConfig").doesNotContain(SECRET);
            softly.assertThat(ScorerConfig.from(all).toString()).as("ScorerConfig").doesNotContain(SECRET);
            softly.assertThat(MonitoringConfig.from(all).toString()).as("MonitoringConfig").doesNotContain(SECRET);
            softly.assertThat(TrainerConfig.from(all).toString()).as("TrainerConfig").doesNotContain(SECRET);
        });
    }

    @Test
    void shouldHideSecretsWhenKafkaClientsLogTheirSettings() {
        ScorerConfig scorer = ScorerConfig.from(settings.with(Map.of(
                "streamlearn.scorer.state.dir", work.resolve("scorer").toString())));
        String logged = captureKafkaLogs(() -> {
            new ProducerConfig(withSerializers(KafkaClients.producer(kafka, "p")));
            new ConsumerConfig(withDeserializers(KafkaClients.consumer(kafka, "c", "g")));
            StreamsConfig streams = new StreamsConfig(ScorerTopology.streamsProperties(scorer, kafka));
            new ProducerConfig(withSerializers(streams.getProducerConfigs("scorer-producer")));
        });

        assertThat(logged).as("the clients logged their settings").contains("ProducerConfig values")
                .contains("ConsumerConfig values").contains("security.protocol = SASL_SSL")
                .contains("sasl.jaas.config = [hidden]").contains("ssl.keystore.password = [hidden]");
        assertThat(logged).doesNotContain(SECRET);
    }

    private static void assertEveryStreamsClientSecured(String service, Properties properties) {
        StreamsConfig streams = new StreamsConfig(properties);
        assertSecured(service + " main consumer", new ConsumerConfig(withDeserializers(
                streams.getMainConsumerConfigs("group", "client", 0))));
        assertSecured(service + " restore consumer", new ConsumerConfig(withDeserializers(
                streams.getRestoreConsumerConfigs("client"))));
        assertSecured(service + " global consumer", new ConsumerConfig(withDeserializers(
                streams.getGlobalConsumerConfigs("client"))));
        assertSecured(service + " producer", new ProducerConfig(withSerializers(streams.getProducerConfigs("client"))));
        assertSecured(service + " admin", new AdminClientConfig(streams.getAdminConfigs("client")));
    }

    /** Reads the settings back the way the Kafka client does, typed (passwords as {@link Password}). */
    private static void assertSecured(String client, AbstractConfig config) {
        EXPECTED.forEach((key, value) -> {
            Object actual = config.values().get(key);
            assertThat(actual instanceof Password password ? password.value() : actual)
                    .as("%s: %s", client, key).isEqualTo(value);
        });
        assertThat(config.getList("bootstrap.servers")).as(client).containsExactly("broker-1.example.net:9093");
    }

    private static Map<String, Object> withSerializers(Map<?, ?> properties) {
        Map<String, Object> copy = copy(properties);
        copy.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        copy.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return copy;
    }

    private static Map<String, Object> withDeserializers(Map<?, ?> properties) {
        Map<String, Object> copy = copy(properties);
        copy.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        copy.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return copy;
    }

    private static Map<String, Object> copy(Map<?, ?> properties) {
        Map<String, Object> copy = new HashMap<>();
        properties.forEach((k, v) -> copy.put(k.toString(), v));
        return copy;
    }

    /** Everything Kafka's client packages log at INFO while {@code action} runs (kept off the console). */
    private static String captureKafkaLogs(Runnable action) {
        Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level level = kafkaLogger.getLevel();
        boolean additive = kafkaLogger.isAdditive();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        kafkaLogger.addAppender(appender);
        kafkaLogger.setLevel(Level.INFO);
        kafkaLogger.setAdditive(false);
        try {
            action.run();
        } finally {
            kafkaLogger.setAdditive(additive);
            kafkaLogger.setLevel(level);
            kafkaLogger.detachAppender(appender);
            appender.stop();
        }
        StringBuilder out = new StringBuilder();
        appender.list.forEach(e -> out.append(e.getFormattedMessage()).append('\n'));
        return out.toString();
    }
}
