package io.walletplatform.common.config;

import java.time.Duration;

/**
 * Kafka brokers ({@code KAFKA_BOOTSTRAP_SERVERS}) and how this service creates its topics.
 * {@code sendTimeout} bounds how long a producer may take to get the broker's acknowledgement;
 * {@code maxPollInterval} is how long a consumer may go without polling before its group evicts it;
 * {@code sessionTimeout} ({@code KAFKA_SESSION_TIMEOUT_MS}, 10 s) how long a consumer may go without a
 * heartbeat: after a SIGKILL its partitions wait this long for a successor (the broker refuses a value
 * outside its {@code group.min/max.session.timeout.ms}, 6 s to 30 min by default).
 * {@code security} holds the client properties that authenticate to the brokers (SASL, TLS), given
 * to every producer, consumer and admin client: {@code KAFKA_SECURITY_PROTOCOL},
 * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION},
 * {@code KAFKA_SSL_TRUSTSTORE_PASSWORD}. {@code topicRetention} ({@code KAFKA_TOPIC_RETENTION_MS}) is set
 * explicitly on every topic a service creates, instead of the broker's default (7 days): an accepted
 * operation lives only in its topic until the worker applies it, so the retention is the longest
 * outage of the consumers the platform survives without losing one. {@code linger}
 * ({@code KAFKA_LINGER_MS}, 1 ms) is how long every producer waits to fill a batch.
 */
public record KafkaSettings(String bootstrapServers, int partitions, short replicationFactor, Duration sendTimeout,
                            Duration maxPollInterval, java.util.Map<String, String> security, Duration topicRetention,
                            Duration sessionTimeout, Duration linger) {

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

  /** How long a producer waits for more records before it sends a batch (docs/benchmarks.md, #33). */
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);

  /** 30 days: a month of consumers down before an accepted, unapplied record could be deleted. */
  public static final Duration DEFAULT_TOPIC_RETENTION = Duration.ofDays(30);

  private static final java.util.Map<String, String> SECURITY_PROPERTIES = java.util.Map.of(
      "KAFKA_SECURITY_PROTOCOL", "security.protocol",
      "KAFKA_SASL_MECHANISM", "sasl.mechanism",
      "KAFKA_SASL_JAAS_CONFIG", "sasl.jaas.config",
      "KAFKA_SSL_TRUSTSTORE_LOCATION", "ssl.truststore.location",
      "KAFKA_SSL_TRUSTSTORE_PASSWORD", "ssl.truststore.password");

  public KafkaSettings(String bootstrapServers, int partitions, short replicationFactor, Duration sendTimeout,
                       Duration maxPollInterval) {
    this(bootstrapServers, partitions, replicationFactor, sendTimeout, maxPollInterval, java.util.Map.of(),
        DEFAULT_TOPIC_RETENTION, DEFAULT_SESSION_TIMEOUT, DEFAULT_LINGER);
  }

  public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";

  public static KafkaSettings from(Config config) {
    return new KafkaSettings(
        config.get(BOOTSTRAP_SERVERS, "localhost:9092"),
        config.getInt("KAFKA_TOPIC_PARTITIONS", 8, 1, 1024),
        (short) config.getInt("KAFKA_REPLICATION_FACTOR", 1, 1, 7),
        config.getMillis("KAFKA_SEND_TIMEOUT_MS", 5_000, 1_000, 120_000),
        config.getMillis("KAFKA_MAX_POLL_INTERVAL_MS", 300_000, 1_000, 3_600_000),
        security(config),
        config.getMillis("KAFKA_TOPIC_RETENTION_MS", DEFAULT_TOPIC_RETENTION.toMillis(), Duration.ofHours(1).toMillis(),
            Duration.ofDays(3650).toMillis()),
        config.getMillis("KAFKA_SESSION_TIMEOUT_MS", DEFAULT_SESSION_TIMEOUT.toMillis(), 1_000, 1_800_000),
        config.getMillis("KAFKA_LINGER_MS", DEFAULT_LINGER.toMillis(), 0, 1_000));
  }

  private static java.util.Map<String, String> security(Config config) {
    java.util.Map<String, String> properties = new java.util.TreeMap<>();
    SECURITY_PROPERTIES.forEach((variable, property) -> config.find(variable).ifPresent(value -> properties.put(property, value)));
    return java.util.Map.copyOf(properties);
  }
}
