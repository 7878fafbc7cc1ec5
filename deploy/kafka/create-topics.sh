#!/usr/bin/env bash
# Creates the pipeline's topics before the services start; safe to run again (existing topics are kept, the
# models topic's settings are enforced). Runs in the apache/kafka image (the compose service `topics`) or on
# any machine with Kafka's command-line tools (KAFKA_HOME, default /opt/kafka).
#
#   STREAMLEARN_KAFKA_BOOTSTRAP_SERVERS   kafka:9092
#   STREAMLEARN_KAFKA_TOPIC_PARTITIONS    6   (the services' setting: keep the two equal)
#   STREAMLEARN_KAFKA_TOPIC_REPLICATION   1
#   TOPIC_INIT_COMMAND_CONFIG             optional client properties file (security) for the Kafka tools
#
# Topic names and the models topic's settings mirror io.streamlearn.common.topic.Topics
# (ComposeConfigurationTest keeps them in step).
set -euo pipefail

bootstrap="${STREAMLEARN_KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
partitions="${STREAMLEARN_KAFKA_TOPIC_PARTITIONS:-6}"
replication="${STREAMLEARN_KAFKA_TOPIC_REPLICATION:-1}"
bin="${KAFKA_HOME:-/opt/kafka}/bin"

admin=(--bootstrap-server "${bootstrap}")
if [ -n "${TOPIC_INIT_COMMAND_CONFIG:-}" ]; then
  admin+=(--command-config "${TOPIC_INIT_COMMAND_CONFIG}")
fi

TOPICS=(samples events labels predictions models dead-letters drift-alerts)
# Compacted: the newest snapshot per model is all a restarting scorer needs. Records up to the largest snapshot
# (16 MiB, Topics.MAX_SNAPSHOT_BYTES) plus 64 KiB of record overhead.
MODELS_CONFIG="cleanup.policy=compact,max.message.bytes=16842752"

for topic in "${TOPICS[@]}"; do
  extra=()
  if [ "${topic}" = models ]; then
    IFS=, read -ra settings <<< "${MODELS_CONFIG}"
    for setting in "${settings[@]}"; do
      extra+=(--config "${setting}")
    done
  fi
  "${bin}/kafka-topics.sh" "${admin[@]}" --create --if-not-exists --topic "${topic}" \
    --partitions "${partitions}" --replication-factor "${replication}" "${extra[@]}"
done

# --if-not-exists leaves an existing topic as it is: make sure models can hold a snapshot.
"${bin}/kafka-configs.sh" "${admin[@]}" --alter --entity-type topics --entity-name models \
  --add-config "${MODELS_CONFIG}"

pattern="^($(IFS='|'; echo "${TOPICS[*]}"))\$"
"${bin}/kafka-topics.sh" "${admin[@]}" --describe --topic "${pattern}"
echo "topics ready on ${bootstrap}: ${TOPICS[*]} (${partitions} partitions, replication ${replication})"
