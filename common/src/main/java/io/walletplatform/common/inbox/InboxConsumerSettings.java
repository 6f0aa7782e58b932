package io.walletplatform.common.inbox;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;

import java.time.Duration;

/**
 * How an inbox consumer runs.
 *
 * @param maxAttempts attempts at a record that keeps failing the same way before it is dead-lettered;
 *                    failures that may pass (database or broker down) are retried without limit
 */
public record InboxConsumerSettings(PgSettings pg, KafkaSettings kafka, String topic, String groupId, int consumers,
                                    int maxAttempts, Duration maxBackoff, int maxBatchRecords) {

  public static InboxConsumerSettings from(Config config, PgSettings pg, String topic, String groupId) {
    KafkaSettings kafka = KafkaSettings.from(config);
    return new InboxConsumerSettings(pg, kafka, topic, groupId,
        config.getInt("INBOX_CONSUMERS", kafka.partitions(), 1, 256),
        config.getInt("INBOX_MAX_ATTEMPTS", 5, 1, 100),
        config.getMillis("INBOX_MAX_BACKOFF_MS", 5_000, 10, 60_000),
        config.getInt("INBOX_MAX_BATCH_RECORDS", 500, 1, 10_000));
  }
}
