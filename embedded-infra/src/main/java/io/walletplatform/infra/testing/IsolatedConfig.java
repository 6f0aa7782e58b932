package io.walletplatform.infra.testing;

import io.walletplatform.common.config.Config;
import io.walletplatform.infra.SharedInfrastructure;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Configuration for one test class on the shared embedded servers: its own databases, topics and
 * Redis key prefix, so that classes never see each other's data and nothing needs a restart.
 */
public final class IsolatedConfig {

  private IsolatedConfig() {
  }

  public static Config create(String label) {
    String suffix = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    return SharedInfrastructure.config().withAll(Map.of(
        "WALLET_DB_NAME", "wallet_" + suffix,
        "WALLET_OPERATIONS_TOPIC", "wallet.operations." + suffix,
        "WORKER_GROUP_ID", "operation-worker-" + suffix,
        "REDIS_KEY_PREFIX", suffix + ":",
        "KAFKA_TOPIC_PARTITIONS", "4",
        "WALLET_API_PORT", "0",
        "WORKER_HTTP_PORT", "0",
        "HTTP_INSTANCES", "1",
        "PG_POOL_SIZE", "4"));
  }
}
