package io.walletplatform.platform;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's port and where the standalone services are. The contracts it publishes come from
 * its own jar, the same documents the services were built from.
 */
/**
 * @param proxyPoolSize     connections to each service
 * @param proxyWaitQueue    requests that may wait for a connection; beyond it, 503 at once
 * @param webhooksApi       the webhooks service ({@code WEBHOOKS_API_URL}); unset, /api/v1/webhooks is not served
 */
public record GatewaySettings(HttpSettings http, URI walletApi, URI paymentsApi, URI ordersApi, URI operationWorker,
                              int proxyPoolSize, int proxyWaitQueue, URI webhooksApi) {

  public static GatewaySettings from(Config config) {
    return new GatewaySettings(HttpSettings.from(config, "PLATFORM_PORT", 8080),
        URI.create(config.get("WALLET_API_URL", "http://localhost:8081")),
        URI.create(config.get("PAYMENTS_API_URL", "http://localhost:8082")),
        URI.create(config.get("ORDERS_API_URL", "http://localhost:8083")),
        config.find("OPERATION_WORKER_URL").map(URI::create).orElse(null),
        config.getInt("GATEWAY_POOL_SIZE", 256, 1, 4_096),
        config.getInt("GATEWAY_WAIT_QUEUE", 1_024, 0, 100_000),
        config.find("WEBHOOKS_API_URL").map(URI::create).orElse(null));
  }

  /** The services whose {@code /health} the gateway reports, by name. */
  public Map<String, URI> healthTargets() {
    Map<String, URI> targets = new LinkedHashMap<>();
    targets.put("wallet-api", walletApi);
    targets.put("payments-api", paymentsApi);
    targets.put("orders-api", ordersApi);
    if (operationWorker != null) {
      targets.put("operation-worker", operationWorker);
    }
    if (webhooksApi != null) {
      targets.put("webhooks", webhooksApi);
    }
    return targets;
  }
}
