package io.walletplatform.common.config;

import java.time.Duration;

/**
 * Kafka brokers ({@code KAFKA_BOOTSTRAP_SERVERS}) and how this service creates its topics.
 * {@code sendTimeout} bounds how long a producer may take to get the broker's acknowledgement;
 * {@code maxPollInterval} is how long a consumer may go without polling before its group evicts it.
 */
public record KafkaSettings(String bootstrapServers, int partitions, short replicationFactor, Duration sendTimeout,
                            Duration maxPollInterval) {

  public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";

  public static KafkaSettings from(Config config) {
    return new KafkaSettings(
        config.get(BOOTSTRAP_SERVERS, "localhost:9092"),
        config.getInt("KAFKA_TOPIC_PARTITIONS", 8, 1, 1024),
        (short) config.getInt("KAFKA_REPLICATION_FACTOR", 1, 1, 7),
        config.getMillis("KAFKA_SEND_TIMEOUT_MS", 5_000, 1_000, 120_000),
        config.getMillis("KAFKA_MAX_POLL_INTERVAL_MS", 300_000, 1_000, 3_600_000));
  }
}
