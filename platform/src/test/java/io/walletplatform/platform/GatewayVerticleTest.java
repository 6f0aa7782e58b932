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

/**
 * The gateway in front of services that are down or hung: a problem the client can retry, not an
 * empty 502 or a request that waits for ever; and connections that send nothing are closed.
 */
class GatewayVerticleTest {

  /** Accepts connections and reads whatever comes, never answering: a hung service. */
  private static java.net.ServerSocket hung;
  private static int hungGatewayPort;

  private static ServiceRuntime runtime;
  private static ApiClient gateway;

  @BeforeAll
  static void start() throws IOException {
    runtime = ServiceRuntime.create();
    int port = FreePorts.pick();
    // Port 1: nothing listens there, ever. A port picked as free could be bound meanwhile by a server
    // of the other test JVM (forkCount 2), whose 404 the gateway would then forward.
    String nowhere = "http://127.0.0.1:1";
    Config config = Config.of(Map.of("PLATFORM_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1", "WALLET_API_URL", nowhere, "PAYMENTS_API_URL", nowhere, "ORDERS_API_URL", nowhere,
        "WEBHOOKS_API_URL", nowhere))
        .withAll(io.walletplatform.infra.testing.Tokens.config());
    GatewaySettings settings = GatewaySettings.from(config);
    Await.result(runtime.vertx().deployVerticle(new GatewayVerticle(settings, runtime.registry(),
        io.walletplatform.infra.testing.Tokens.authentication(runtime.vertx(), config))));
    gateway = new ApiClient(runtime.vertx(), port);

    hung = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      List<java.net.Socket> held = new java.util.ArrayList<>();
      while (!hung.isClosed()) {
        try {
          held.add(hung.accept());
        } catch (IOException closed) {
          return;
        }
      }
    }, "hung-service");
    acceptor.setDaemon(true);
    acceptor.start();
    hungGatewayPort = FreePorts.pick();
    String hungUrl = "http://127.0.0.1:" + hung.getLocalPort();
    Config hungConfig = Config.of(Map.of("PLATFORM_PORT", Integer.toString(hungGatewayPort), "HTTP_HOST", "127.0.0.1",
            "WALLET_API_URL", hungUrl, "PAYMENTS_API_URL", hungUrl, "ORDERS_API_URL", hungUrl,
            "HTTP_REQUEST_TIMEOUT_MS", "700", "HTTP_IDLE_TIMEOUT_S", "1"))
        .withAll(io.walletplatform.infra.testing.Tokens.config());
    Await.result(runtime.vertx().deployVerticle(new GatewayVerticle(GatewaySettings.from(hungConfig), runtime.registry(),
        io.walletplatform.infra.testing.Tokens.authentication(runtime.vertx(), hungConfig))));
  }

  @AfterAll
  static void stop() throws IOException {
    hung.close();
    Await.result(runtime.vertx().close());
  }

  /**
   * Every path of every contract reaches its service through the gateway (here a service that is down:
   * 503, never the gateway's own 404). The transactions and assets of #31 were once left out.
   */
  @Test
  void everyPathOfEveryContractIsForwardedToItsService() throws IOException {
    java.util.regex.Pattern path = java.util.regex.Pattern.compile("^  (/api/v1/[^:]+):", java.util.regex.Pattern.MULTILINE);
    List<String> paths = new java.util.ArrayList<>();
    for (String contract : List.of("wallet-api", "payments-api", "orders-api", "webhooks-api")) {
      try (var yaml = GatewayVerticleTest.class.getResourceAsStream("/openapi/" + contract + ".yaml")) {
        java.util.regex.Matcher matcher = path.matcher(new String(yaml.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        while (matcher.find()) {
          paths.add(matcher.group(1).replaceAll("\\{[^}]+}", UUID.randomUUID().toString()));
        }
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(paths.size() >= 20, "the contracts' paths: " + paths);
    for (String each : paths) {
      ApiClient.assertUnavailable(List.of(gateway.get(each)));
    }
  }

  @Test
  void aServiceThatIsDownAnswers503ProblemWithRetryAfterThroughTheGateway() {
    ApiClient.assertUnavailable(List.of(
        gateway.get("/api/v1/wallets/" + UUID.randomUUID()),
        gateway.post("/api/v1/wallet", "{\"walletId\":\"" + UUID.randomUUID() + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}"),
        gateway.get("/api/v1/accounts/" + UUID.randomUUID()),
        gateway.post("/api/v1/orders", "{\"amount\":1,\"description\":\"x\"}")));
  }

  @Test
  void aServiceThatNeverAnswersIs503AfterTheRequestTimeoutNotAHungClient() {
    ApiClient client = new ApiClient(runtime.vertx(), hungGatewayPort);
    long started = System.nanoTime();
    var answer = client.get("/api/v1/wallets/" + UUID.randomUUID());
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    ApiClient.assertProblem(answer, 503, "SERVICE_UNAVAILABLE", null);
    org.junit.jupiter.api.Assertions.assertNotNull(answer.getHeader("Retry-After"));
    org.junit.jupiter.api.Assertions.assertTrue(tookMs >= 600 && tookMs < 10_000, "answered after " + tookMs + " ms");
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws IOException {
    try (java.net.Socket silent = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), hungGatewayPort)) {
      silent.setSoTimeout(10_000);
      long started = System.nanoTime();
      org.junit.jupiter.api.Assertions.assertEquals(-1, silent.getInputStream().read(), "the server closed it");
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      org.junit.jupiter.api.Assertions.assertTrue(tookMs >= 500 && tookMs < 5_000, "closed after " + tookMs + " ms");
    }
  }
}
