package io.streamlearn.common.kafka;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when missing and waits until every partition answers. Producing right
 * after {@code createTopics} can silently lose the first batches (KAFKA-15591 family), so callers only
 * produce once {@link #ensureTopics} has returned.
 */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    public static void ensureTopics(KafkaSettings kafka, Collection<? extends Topic<?, ?>> topics, Duration timeout) {
        try (Admin admin = Admin.create(KafkaClients.common(kafka, "streamlearn-topic-admin"))) {
            ensureTopics(admin, kafka, topics, timeout);
        }
    }

    public static void ensureTopics(Admin admin, KafkaSettings kafka, Collection<? extends Topic<?, ?>> topics,
                                    Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        create(admin, kafka, topics);
        awaitPartitionsReady(admin, topics.stream().map(Topic::name).toList(), deadline);
    }

    private static void create(Admin admin, KafkaSettings kafka, Collection<? extends Topic<?, ?>> topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (Topic<?, ?> t : topics) {
            newTopics.add(new NewTopic(t.name(), kafka.partitions(), kafka.replicationFactor()).configs(t.config()));
        }
        admin.createTopics(newTopics).values().forEach((name, future) -> {
            try {
                future.get();
                log.info("created topic {} ({} partitions)", name, kafka.partitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while creating topic " + name, e);
            }
        });
    }

    private static void awaitPartitionsReady(Admin admin, List<String> names, long deadlineNanos) {
        Exception last = null;
        while (System.nanoTime() < deadlineNanos) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                descriptions.values().forEach(d -> d.partitions().forEach(
                        p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(request).all().get();
                return;
            } catch (ExecutionException e) {
                last = e;
                sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topics " + names, e);
            }
        }
        throw new KafkaException("topics " + names + " were not ready before the timeout", last);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for topics", e);
        }
    }

}
