package io.walletplatform.wallet;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.config.RedisSettings;

import io.walletplatform.common.money.Asset;

import java.time.Duration;

/**
 * Everything wallet-api reads from its configuration.
 *
 * @param operationGuardTtl the idempotency window: how long an accepted operationId is remembered
 *                          in Redis for replays and 422s (PostgreSQL remembers applied ones for ever)
 * @param cacheTtl          how long a cached balance may live without being refreshed
 * @param walletsPerPrincipal how many wallets one principal may own
 * @param workerGroup       operation-worker's consumer group, whose committed offsets say what it applied
 * @param shedLagRecords    past this many accepted but unapplied operations, new ones get 503 (0: never)
 * @param shedLag           once the oldest unapplied operation was accepted longer ago than this, new ones get 503 (0: never)
 * @param shedCheckInterval how often the lag is read
 * @param admissionTargetDelay past this much lag (in time at the worker's measured apply rate, at least
 *                          1,000 operations), new operations are admitted at the worker's pace: held
 *                          until a token frees them (0: admission off)
 * @param admissionMaxWait  how long an operation may be held before it is refused with 503
 * @param admissionQueuePerLoop how many operations one event loop may hold waiting (past it a newcomer
 *                          takes the newest place of the principal holding most, or is refused)
 * @param defaultAsset      the asset of a wallet created without one (it must be among the assets)
 */
public record WalletApiSettings(PgSettings pg, RedisSettings redis, KafkaSettings kafka, HttpSettings http,
                                String operationsTopic, Duration operationGuardTtl, Duration cacheTtl,
                                int httpInstances, int walletsPerPrincipal, String workerGroup,
                                long shedLagRecords, Duration shedLag, Duration shedCheckInterval,
                                Duration admissionTargetDelay, Duration admissionMaxWait,
                                int admissionQueuePerLoop, String defaultAsset) {

  public static WalletApiSettings from(Config config) {
    return new WalletApiSettings(
        PgSettings.from(config, "WALLET_DB_NAME", "wallet"),
        RedisSettings.from(config),
        KafkaSettings.from(config),
        HttpSettings.from(config, "WALLET_API_PORT", 8081),
        config.get("WALLET_OPERATIONS_TOPIC", "wallet.operations"),
        config.getMillis("WALLET_OPERATION_GUARD_TTL_MS", Duration.ofHours(1).toMillis(), 1_000, Duration.ofDays(30).toMillis()),
        config.getMillis("WALLET_CACHE_TTL_MS", Duration.ofMinutes(10).toMillis(), 1_000, Duration.ofDays(1).toMillis()),
        config.getInt("HTTP_INSTANCES", Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()), 1, 64),
        config.getInt("WALLETS_PER_PRINCIPAL_MAX", 1_000, 1, 1_000_000),
        config.get("WORKER_GROUP_ID", "operation-worker"),
        config.getLong("WALLET_SHED_LAG_RECORDS", 100_000, 0, 1_000_000_000),
        config.getMillis("WALLET_SHED_LAG_MS", 30_000, 0, Duration.ofHours(1).toMillis()),
        config.getMillis("WALLET_SHED_CHECK_INTERVAL_MS", 500, 50, 60_000),
        config.getMillis("WALLET_ADMISSION_TARGET_DELAY_MS", 1_000, 0, 600_000),
        config.getMillis("WALLET_ADMISSION_MAX_WAIT_MS", 2_000, 1, 60_000),
        config.getInt("WALLET_ADMISSION_QUEUE_PER_LOOP", 10_000, 1, 1_000_000),
        defaultAsset(config.get("DEFAULT_ASSET", Asset.USD.code())));
  }

  private static String defaultAsset(String code) {
    if (!Asset.CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("DEFAULT_ASSET must be 2 to 16 of A-Z, 0-9 and _, was " + code);
    }
    return code;
  }
}
