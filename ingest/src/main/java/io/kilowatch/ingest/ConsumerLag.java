package io.kilowatch.ingest;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records each watched consumer group ({@code pipeline.lag-groups}: the load-curve and
 * alert jobs, the outbound relay) is behind the end of the topics it reads, from the offsets it
 * committed: {@code pipeline,component=kafka,group=…,topic=… lag_records=N}. The Flink jobs
 * commit on checkpoints, so theirs is the lag as of their last checkpoint (at most one checkpoint
 * interval more than the truth). A group that has committed nothing is not reported.
 */
final class ConsumerLag implements AutoCloseable {
    private final Admin admin;
    private final List<String> groups;

    ConsumerLag(IngestConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        p.putAll(config.kafkaClient());
        this.admin = Admin.create(p);
        this.groups = config.lagGroups();
    }

    /** Line protocol at {@code nowMs}; throws when Kafka does not answer within seconds. */
    String lines(long nowMs) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> known = committed.entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            if (known.isEmpty()) {
                continue;
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                            known.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all()
                    .get(5, TimeUnit.SECONDS);
            Map<String, Long> byTopic = new TreeMap<>();
            known.forEach((tp, offset) ->
                    byTopic.merge(tp.topic(), Math.max(0, ends.get(tp).offset() - offset.offset()), Long::sum));
            byTopic.forEach((topic, lag) -> b.append("pipeline,component=kafka,group=")
                    .append(tag(group))
                    .append(",topic=")
                    .append(tag(topic))
                    .append(" lag_records=")
                    .append(lag)
                    .append("i ")
                    .append(nowMs)
                    .append('\n'));
        }
        return b.toString();
    }

    private static String tag(String v) {
        return v.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ");
    }

    @Override
    public void close() {
        admin.close();
    }
}
