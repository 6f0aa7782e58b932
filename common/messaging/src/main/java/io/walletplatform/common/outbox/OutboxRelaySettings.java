package io.walletplatform.common.outbox;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;

import java.time.Duration;

/**
 * How a service's outbox relay runs.
 *
 * @param sweepInterval        how often it looks for rows nobody woke it for (crashes, other instances)
 * @param batchSize            rows published per round trip
 * @param publishedRetention   how long published rows stay before they are deleted
 * @param cleanupInterval      how often expired rows are deleted
 */
public record OutboxRelaySettings(PgSettings pg, KafkaSettings kafka, String name, Duration sweepInterval,
                                  int batchSize, Duration publishedRetention,
                                  Duration cleanupInterval) {

  public static OutboxRelaySettings from(Config config, PgSettings pg, String name) {
    return new OutboxRelaySettings(pg, KafkaSettings.from(config), name,
        config.getMillis("OUTBOX_SWEEP_INTERVAL_MS", 2_000, 10, 3_600_000),
        config.getInt("OUTBOX_BATCH_SIZE", 500, 1, 10_000),
        config.getMillis("OUTBOX_PUBLISHED_RETENTION_MS", Duration.ofMinutes(10).toMillis(), 0, Duration.ofDays(30).toMillis()),
        config.getMillis("OUTBOX_CLEANUP_INTERVAL_MS", 60_000, 10, Duration.ofDays(1).toMillis()));
  }
}
