package io.walletplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.walletplatform.common.config.KafkaSettings;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka client configuration shared by every service. Producers wait for all in-sync replicas and
 * are idempotent, so a retried send never duplicates or reorders a key's records; every wait is
 * bounded by {@link KafkaSettings#sendTimeout()}. Consumers never auto-commit.
 */
public final class KafkaClients {

  public static final String EVENT_ID_HEADER = "event-id";
  public static final String EVENT_TYPE_HEADER = "event-type";
  /** On a platform event: the principal it is for (whose webhook subscriptions receive it). */
  public static final String PRINCIPAL_HEADER = "principal";
  public static final String ERROR_HEADER = "error";
  public static final String ERROR_CLASS_HEADER = "error-class";

  private KafkaClients() {
  }

  public static Map<String, String> producerConfig(KafkaSettings settings, String clientId) {
    long sendTimeoutMs = settings.sendTimeout().toMillis();
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrapServers());
    config.put("client.id", clientId);
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5");
    config.put("linger.ms", Long.toString(settings.linger().toMillis()));
    // Records are a few hundred bytes and batches small (linger 1 ms): lz4 allocated a 64 KiB block
    // buffer per batch on the producer, the broker and the consumer alike, ~100 KB of garbage per
    // operation, for next to no saving.
    config.put("compression.type", "none");
    config.put("request.timeout.ms", Long.toString(Math.max(1_000, sendTimeoutMs - 1_000)));
    config.put("delivery.timeout.ms", Long.toString(sendTimeoutMs + 1));
    config.put("max.block.ms", Long.toString(sendTimeoutMs));
    config.put("reconnect.backoff.max.ms", "1000");
    config.put("enable.metrics.push", "false");
    config.putAll(settings.security());
    return config;
  }

  /**
   * A producer for {@link EventLoopProducer}: {@code send} never blocks ({@code max.block.ms} 0); where it
   * would have waited it fails at once, and the caller tries again on a timer.
   */
  public static Map<String, String> eventLoopProducerConfig(KafkaSettings settings, String clientId) {
    Map<String, String> config = producerConfig(settings, clientId);
    config.put("max.block.ms", "0");
    return config;
  }

  public static Map<String, String> consumerConfig(KafkaSettings settings, String groupId, String clientId,
                                                   int maxPollRecords) {
    return consumerConfig(settings, groupId, clientId, maxPollRecords, 0);
  }

  /**
   * A consumer whose fetches may wait up to {@code fetchWaitMs} for 64 KiB to gather: under load
   * the broker then answers a few large fetches instead of one per produced batch, which costs
   * both sides far less CPU. Only for consumers that batch over a longer window anyway.
   */
  public static Map<String, String> consumerConfig(KafkaSettings settings, String groupId, String clientId,
                                                   int maxPollRecords, long fetchWaitMs) {
    Map<String, String> config = readerConfig(settings, clientId);
    if (fetchWaitMs > 0) {
      config.put("fetch.min.bytes", Integer.toString(64 * 1024));
      config.put("fetch.max.wait.ms", Long.toString(fetchWaitMs));
    }
    config.put("group.id", groupId);
    config.put("max.poll.records", Integer.toString(maxPollRecords));
    long session = settings.sessionTimeout().toMillis();
    config.put("session.timeout.ms", Long.toString(session));
    config.put("max.poll.interval.ms", Long.toString(settings.maxPollInterval().toMillis()));
    config.put("heartbeat.interval.ms", Long.toString(Math.min(1_000, session / 3)));
    return config;
  }

  /**
   * A consumer without a group, which assigns itself partitions and commits nothing (a reader of a
   * whole topic, as {@code WebhookInterest}): String keys, byte[] values, committed records only, from
   * the earliest offset. {@link #consumerConfig} adds the group's settings to it.
   */
  public static Map<String, String> readerConfig(KafkaSettings settings, String clientId) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrapServers());
    config.put("client.id", clientId);
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("isolation.level", "read_committed");
    config.put("reconnect.backoff.max.ms", "1000");
    // KIP-714 client telemetry: nothing here collects it, and its sender formatted a string on every poll.
    config.put("enable.metrics.push", "false");
    config.putAll(settings.security());
    return config;
  }

  /**
   * Client options with the Kafka client's own tracing off: {@link io.walletplatform.common.tracing.Tracing}
   * carries the trace context instead, from where the record was caused rather than where the
   * send or the handler happens to run.
   */
  public static io.vertx.kafka.client.common.KafkaClientOptions options(Map<String, String> config) {
    return new io.vertx.kafka.client.common.KafkaClientOptions().setConfig(new HashMap<>(config))
        .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE);
  }

  /** Creates the topics that do not exist yet; an existing topic is left as it is. */
  public static Future<Void> ensureTopics(Vertx vertx, KafkaSettings settings, List<String> topics) {
    return ensureTopics(vertx, settings, topics, settings.partitions(),
        Map.of("retention.ms", Long.toString(settings.topicRetention().toMillis())));
  }

  /**
   * Creates a compacted topic of one partition (the last value of each key kept for ever, a key
   * without a value deleted) if it does not exist yet: a table every reader reads from its start.
   */
  public static Future<Void> ensureCompactedTopic(Vertx vertx, KafkaSettings settings, String topic) {
    return ensureTopics(vertx, settings, List.of(topic), 1, Map.of("cleanup.policy", "compact"));
  }

  private static Future<Void> ensureTopics(Vertx vertx, KafkaSettings settings, List<String> topics, int partitions,
                                           Map<String, String> topicConfig) {
    Map<String, String> config = new java.util.HashMap<>(settings.security());
    config.putAll(Map.of(
        "bootstrap.servers", settings.bootstrapServers(),
        "request.timeout.ms", "10000",
        "default.api.timeout.ms", "20000"));
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, config);
    List<NewTopic> newTopics = topics.stream()
        .map(topic -> new NewTopic(topic, partitions, settings.replicationFactor()).setConfig(topicConfig))
        .toList();
    return admin.listTopics()
        .compose(existing -> {
          List<NewTopic> missing = newTopics.stream().filter(t -> !existing.contains(t.getName())).toList();
          return missing.isEmpty() ? Future.<Void>succeededFuture() : admin.createTopics(missing);
        })
        .recover(error -> error instanceof TopicExistsException || error.getCause() instanceof TopicExistsException
            ? Future.succeededFuture()
            : Future.failedFuture(error))
        .eventually(admin::close);
  }
}
