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
    return SharedInfrastructure.config().withAll(Map.ofEntries(
        Map.entry("PAYMENTS_DB_NAME", "payments_" + suffix),
        Map.entry("ORDERS_DB_NAME", "orders_" + suffix),
        Map.entry("PAYMENTS_REQUESTS_TOPIC", "payments.requests." + suffix),
        Map.entry("PAYMENTS_RESULTS_TOPIC", "payments.results." + suffix),
        Map.entry("PAYMENTS_GROUP_ID", "payments-api-" + suffix),
        Map.entry("ORDERS_GROUP_ID", "orders-api-" + suffix),
        Map.entry("PAYMENTS_API_PORT", "0"),
        Map.entry("ORDERS_API_PORT", "0"),
        Map.entry("WALLET_DB_NAME", "wallet_" + suffix),
        Map.entry("AUTH_DB_NAME", "auth_" + suffix),
        Map.entry("WEBHOOKS_DB_NAME", "webhooks_" + suffix),
        Map.entry("PLATFORM_EVENTS_TOPIC", "platform.events." + suffix),
        Map.entry("WEBHOOK_INTEREST_TOPIC", "webhook.interest." + suffix),
        Map.entry("WEBHOOKS_GROUP_ID", "webhooks-" + suffix),
        Map.entry("WEBHOOKS_API_PORT", "0"),
        // Test receivers listen on this machine; the SSRF refusals have their own test.
        Map.entry("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true"),
        Map.entry("WALLET_OPERATIONS_TOPIC", "wallet.operations." + suffix),
        Map.entry("WORKER_GROUP_ID", "operation-worker-" + suffix),
        Map.entry("REDIS_KEY_PREFIX", suffix + ":"),
        Map.entry("KAFKA_TOPIC_PARTITIONS", "4"),
        Map.entry("WALLET_API_PORT", "0"),
        Map.entry("WORKER_HTTP_PORT", "0"),
        Map.entry("HTTP_INSTANCES", "1"),
        Map.entry("PG_POOL_SIZE", "4"),
        // The rate limit has its own tests; the others send bursts a real client would spread out.
        Map.entry("RATE_LIMIT_PER_PRINCIPAL_PER_S", "0"),
        Map.entry("RATE_LIMIT_READS_PER_PRINCIPAL_PER_S", "0"),
        // Likewise load shedding on the worker's lag: many tests run wallet-api without a worker.
        Map.entry("WALLET_SHED_LAG_MS", "0"))).withAll(Tokens.config());
  }
}
