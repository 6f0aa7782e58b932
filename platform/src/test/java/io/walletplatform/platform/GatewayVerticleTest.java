package io.walletplatform.platform;

import io.vertx.core.Vertx;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The gateway in front of services that are down: a problem the client can retry, not an empty 502. */
class GatewayVerticleTest {

  private static ServiceRuntime runtime;
  private static ApiClient gateway;

  @BeforeAll
  static void start() throws IOException {
    runtime = ServiceRuntime.create();
    int port = FreePorts.pick();
    String nowhere = "http://127.0.0.1:" + FreePorts.pick();
    Config config = Config.of(Map.of("PLATFORM_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1", "WALLET_API_URL", nowhere, "PAYMENTS_API_URL", nowhere, "ORDERS_API_URL", nowhere))
        .withAll(io.walletplatform.infra.testing.Tokens.config());
    GatewaySettings settings = GatewaySettings.from(config);
    Await.result(runtime.vertx().deployVerticle(new GatewayVerticle(settings, runtime.registry(),
        io.walletplatform.infra.testing.Tokens.authentication(runtime.vertx(), config))));
    gateway = new ApiClient(runtime.vertx(), port);
  }

  @AfterAll
  static void stop() {
    Await.result(runtime.vertx().close());
  }

  @Test
  void aServiceThatIsDownAnswers503ProblemWithRetryAfterThroughTheGateway() {
    ApiClient.assertUnavailable(List.of(
        gateway.get("/api/v1/wallets/" + UUID.randomUUID()),
        gateway.post("/api/v1/wallet", "{\"walletId\":\"" + UUID.randomUUID() + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}"),
        gateway.get("/api/v1/accounts/" + UUID.randomUUID()),
        gateway.post("/api/v1/orders", "{\"amount\":1,\"description\":\"x\"}")));
  }
}
