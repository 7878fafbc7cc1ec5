package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.TrainerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trainer that the group drops (its partitions are lost, not revoked) must not commit their offsets afterwards:
 * another owner may have committed since. Kafka's default for lost partitions is the revoke callback, which
 * publishes and commits: the coordinator refuses that commit from a member it dropped, and the trainer stopped
 * with {@code CommitFailedException} (measured before the fix).
 */
class TrainerLostPartitionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String MODEL = "lost";
    private static final String GROUP = "trainer-lost-it";
    private static final int SAMPLES = 350;

    // The trainer notices at its next heartbeat that the group dropped it: 10 s apart, so that the test's
    // stand-in for the new owner most likely commits before that (if not, the test drops the trainer again).
    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(3, Map.of("heartbeat.interval.ms", "10000"));

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @Test
    void shouldNotCommitOverTheNewOwnerAfterTheGroupDropsIt() throws Exception {
        produce(new Blobs(4, 8, 21).take(SAMPLES));
        CollectorRegistry registry = new CollectorRegistry();
        TrainerService service = new TrainerService(config(), kafka(), registry);
        Thread thread = new Thread(service, "trainer-lost-it");
        thread.start();
        try (Admin admin = Admin.create(KafkaClients.common(kafka(), "trainer-lost-it-admin"))) {
            await("the trainer learns every sample").atMost(TIMEOUT)
                    .until(() -> service.samplesLearned() == SAMPLES);
            assertThat(committed(admin)).as("nothing committed yet: no snapshot is due").isEmpty();

            String member = await("one member holds every partition").atMost(TIMEOUT)
                    .until(() -> holderOfEveryPartition(admin), id -> id != null);
            Map<TopicPartition, OffsetAndMetadata> newOwners = partitions().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(0)));
            await("the trainer dropped and the new owner's offsets committed").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> committedAsNewOwner(admin, newOwners));

            await("the trainer rejoins after its partitions were lost").atMost(TIMEOUT).until(() -> {
                assertThat(thread.isAlive()).as("the trainer runs").isTrue();
                String holder = holderOfEveryPartition(admin);
                return holder != null && !holder.equals(member);
            });
            assertThat(committed(admin)).as("the new owner's offsets stand").isEqualTo(newOwners);
        } finally {
            service.close();
            thread.join(TIMEOUT.toMillis());
        }
        assertThat(thread.isAlive()).isFalse();
        assertThat(lastSnapshot().getSamplesLearned()).as("the rejoined trainer learned nothing twice")
                .isEqualTo(SAMPLES);
    }

    private static TrainerConfig config() {
        return TrainerConfig.from(Settings.of(Map.of(
                "streamlearn.trainer.model.name", MODEL,
                "streamlearn.trainer.group.id", GROUP,
                "streamlearn.trainer.input.size", "8",
                "streamlearn.trainer.classes", "4",
                "streamlearn.trainer.hidden.layers", "16",
                "streamlearn.trainer.snapshot.every.samples", "1000000",
                "streamlearn.trainer.snapshot.every.ms", "600000",
                "streamlearn.trainer.poll.timeout.ms", "100")));
    }

    /** The member id of the group's only member if it holds every partition, else null. */
    private static String holderOfEveryPartition(Admin admin) throws InterruptedException, ExecutionException {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        List<MemberDescription> members = new ArrayList<>(group.members());
        if (members.size() != 1 || members.get(0).assignment().topicPartitions().size() != partitions().size()) {
            return null;
        }
        return members.get(0).consumerId();
    }

    /**
     * Commits {@code offsets} as a new owner would, which the group takes only while it has no members. A member
     * there (the trainer, at first, or again if a heartbeat let it rejoin in between) is dropped for the next try.
     */
    private static boolean committedAsNewOwner(Admin admin, Map<TopicPartition, OffsetAndMetadata> offsets)
            throws InterruptedException, ExecutionException {
        try {
            admin.alterConsumerGroupOffsets(GROUP, offsets).all().get();
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownMemberIdException || e.getCause() instanceof GroupNotEmptyException)) {
                throw e;
            }
            admin.removeMembersFromConsumerGroup(GROUP, new RemoveMembersFromConsumerGroupOptions()).all().get();
            return false;
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin)
            throws InterruptedException, ExecutionException {
        return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
    }

    private static List<TopicPartition> partitions() {
        return IntStream.range(0, kafka().partitions()).mapToObj(p -> new TopicPartition(Topics.SAMPLES.name(), p))
                .toList();
    }

    private static void produce(List<Sample> samples) throws Exception {
        Properties props = KafkaClients.producer(kafka(), "trainer-lost-it-producer");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Sample s : samples) {
                producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), s.getId(), s.toByteArray()));
            }
            producer.flush();
        }
    }

    private static ModelSnapshot lastSnapshot() {
        Properties props = KafkaClients.consumer(kafka(), "trainer-lost-it-reader", null);
        try (var consumer = new KafkaConsumer<>(props, Topics.MODELS.keySerde().deserializer(),
                Topics.MODELS.valueSerde().deserializer())) {
            List<TopicPartition> models = consumer.partitionsFor(Topics.MODELS.name()).stream()
                    .map(p -> new TopicPartition(Topics.MODELS.name(), p.partition())).toList();
            consumer.assign(models);
            consumer.seekToBeginning(models);
            List<ModelSnapshot> snapshots = new ArrayList<>();
            await("a snapshot of the model").atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> snapshots.add(r.value()));
                return !snapshots.isEmpty();
            });
            return snapshots.get(snapshots.size() - 1);
        }
    }
}
