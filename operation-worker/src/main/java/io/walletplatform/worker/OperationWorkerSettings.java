package io.walletplatform.worker;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.config.RedisSettings;
import io.walletplatform.common.outbox.OutboxRelaySettings;
import io.walletplatform.common.webhooks.PlatformEventsSettings;

import java.time.Duration;

/**
 * Everything operation-worker reads from its configuration.
 *
 * @param flushInterval      how often buffered records are applied (the batch window)
 * @param maxBatchRecords    a buffer this large is applied at once, without waiting for the window
 * @param maxBufferedRecords the consumer pauses while this many records wait
 * @param consumers          consumers (each its own Vert.x context) in this process
 * @param maxAttempts        attempts at an operation that fails with a data error (SQLSTATE class 22 or
 *                           23), with a backoff between them, before it is parked and recorded FAILED /
 *                           PROCESSING_FAILED; any other failure is retried until it passes
 * @param maxDeadLetterAttempts dead-letter sends refused before the record goes to the quarantine table
 * @param minRetryBackoff    the first backoff after a failed batch; it doubles up to maxRetryBackoff
 * @param holdExpiryScan     how often ACTIVE holds past their expiresAt are looked for and their release
 *                           submitted (one indexed query; API.md's bound is 60 s after expiresAt)
 * @param events             who listens to the operations' platform events, and their topic
 * @param relay              the wallet database's outbox relay (it publishes the platform events)
 */
public record OperationWorkerSettings(PgSettings pg, RedisSettings redis, KafkaSettings kafka, HttpSettings http,
                                      String operationsTopic, String groupId, Duration flushInterval,
                                      int maxBatchRecords, int maxBufferedRecords, int consumers,
                                      Duration cacheTtl, Duration minRetryBackoff, Duration maxRetryBackoff,
                                      int maxAttempts, int maxDeadLetterAttempts, Duration holdExpiryScan,
                                      PlatformEventsSettings events, OutboxRelaySettings relay) {

  public static OperationWorkerSettings from(Config config) {
    KafkaSettings kafka = KafkaSettings.from(config);
    PgSettings pg = PgSettings.from(config, "WALLET_DB_NAME", "wallet");
    return new OperationWorkerSettings(
        pg,
        RedisSettings.from(config),
        kafka,
        HttpSettings.from(config, "WORKER_HTTP_PORT", 8085),
        config.get("WALLET_OPERATIONS_TOPIC", "wallet.operations"),
        config.get("WORKER_GROUP_ID", "operation-worker"),
        config.getMillis("WORKER_FLUSH_INTERVAL_MS", 100, 5, 10_000),
        config.getInt("WORKER_MAX_BATCH_RECORDS", 5_000, 1, 100_000),
        config.getInt("WORKER_MAX_BUFFERED_RECORDS", 20_000, 1, 1_000_000),
        config.getInt("WORKER_CONSUMERS", kafka.partitions(), 1, 256),
        config.getMillis("WALLET_CACHE_TTL_MS", Duration.ofMinutes(10).toMillis(), 1_000, Duration.ofDays(1).toMillis()),
        config.getMillis("WORKER_MIN_RETRY_BACKOFF_MS", 100, 1, 60_000),
        config.getMillis("WORKER_MAX_RETRY_BACKOFF_MS", 5_000, 10, 60_000),
        config.getInt("WORKER_MAX_ATTEMPTS", 5, 1, 100),
        config.getInt("WORKER_MAX_DEAD_LETTER_ATTEMPTS", 5, 1, 100),
        config.getMillis("HOLD_EXPIRY_SCAN_MS", 10_000, 100, 30_000),
        PlatformEventsSettings.from(config),
        OutboxRelaySettings.from(config, pg, "wallet"));
  }

  public String deadLetterTopic() {
    return operationsTopic + ".dlt";
  }
}
