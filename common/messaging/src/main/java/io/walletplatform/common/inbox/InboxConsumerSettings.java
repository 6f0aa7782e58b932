package io.walletplatform.common.inbox;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;

import java.time.Duration;

/**
 * How an inbox consumer runs.
 *
 * @param maxAttempts           attempts at a record that fails with a data error (SQLSTATE class 22 or 23)
 *                              before it is dead-lettered; any other failure is retried until it passes
 * @param maxDeadLetterAttempts dead-letter sends refused before the record goes to the quarantine table
 * @param tick                  how often the end of a backoff is noticed
 */
public record InboxConsumerSettings(PgSettings pg, KafkaSettings kafka, String topic, String groupId, int consumers,
                                    int maxAttempts, int maxDeadLetterAttempts, Duration minBackoff,
                                    Duration maxBackoff, int maxBatchRecords, Duration tick) {

  public static InboxConsumerSettings from(Config config, PgSettings pg, String topic, String groupId) {
    KafkaSettings kafka = KafkaSettings.from(config);
    return new InboxConsumerSettings(pg, kafka, topic, groupId,
        // One per core at most: a consumer holds several partitions as well as one, and each more costs its poll
        // thread, fetches and heartbeats even when idle (24 of them were a fifth of an idle platform's CPU).
        config.getInt("INBOX_CONSUMERS", Math.min(kafka.partitions(), Runtime.getRuntime().availableProcessors()), 1, 256),
        config.getInt("INBOX_MAX_ATTEMPTS", 5, 1, 100),
        config.getInt("INBOX_MAX_DEAD_LETTER_ATTEMPTS", 5, 1, 100),
        config.getMillis("INBOX_MIN_BACKOFF_MS", 50, 1, 60_000),
        config.getMillis("INBOX_MAX_BACKOFF_MS", 5_000, 10, 60_000),
        config.getInt("INBOX_MAX_BATCH_RECORDS", 500, 1, 10_000),
        Duration.ofMillis(100));
  }
}
