package io.walletplatform.acceptance;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.walletplatform.common.config.Config;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.SharedInfrastructure;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docker-compose topology without Docker: every service's fat jar runs as its own process on
 * loopback with the environment docker-compose.yml gives it (infrastructure addresses and ports
 * replaced by the embedded servers' and free ones), two operation-worker processes share the
 * partitions, and the wallet and order flows go through the gateway.
 */
class ComposeTopologyIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Duration STARTUP = Duration.ofSeconds(180);
  private static final Pattern SERVICE_URL = Pattern.compile("http://([a-z-]+):(\\d+)(/.*)?");

  private static final Map<String, Integer> ports = new HashMap<>();
  private static final Map<String, Process> processes = new LinkedHashMap<>();
  private static Vertx vertx;
  private static ApiClient gateway;
  private static UUID user;
  private static String admin;

  @BeforeAll
  static void start() throws IOException {
    Config infrastructure = SharedInfrastructure.config();
    Map<String, Map<String, String>> compose = composeEnvironments();
    for (String service : List.of("wallet-api", "payments-api", "orders-api", "webhooks", "gateway")) {
      ports.put(service, FreePorts.pick());
    }
    ports.put("operation-worker-1", FreePorts.pick());
    ports.put("operation-worker-2", FreePorts.pick());

    launch("wallet-api", "wallet-api", compose.get("wallet-api"), infrastructure);
    launch("operation-worker-1", "operation-worker", compose.get("operation-worker"), infrastructure);
    launch("operation-worker-2", "operation-worker", compose.get("operation-worker"), infrastructure);
    launch("payments-api", "payments-api", compose.get("payments-api"), infrastructure);
    launch("orders-api", "orders-api", compose.get("orders-api"), infrastructure);
    launch("webhooks", "webhooks", compose.get("webhooks"), infrastructure);
    launch("gateway", "platform", compose.get("gateway"), infrastructure);

    vertx = Vertx.vertx();
    ApiClient anonymous = new ApiClient(vertx, ports.get("gateway"));
    Await.until("the gateway reports every service UP", STARTUP, () -> {
      assertAlive();
      try {
        return anonymous.get("/health").statusCode() == 200;
      } catch (AssertionError notYet) {
        return false;
      }
    });
    // A user token from the gateway's issuer, verified by each service against the gateway's JWKS.
    user = UUID.randomUUID();
    gateway = new ApiClient(vertx, ports.get("gateway"), Tokens.fetch(vertx, ports.get("gateway"), user.toString(),
        "wallets payments orders funding"));
    admin = Tokens.fetch(vertx, ports.get("gateway"), Tokens.ADMIN_CLIENT.toString(), "admin");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (Process process : processes.values()) {
      process.destroy();
    }
    for (Process process : processes.values()) {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, String>> composeEnvironments() throws IOException {
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
      document = new Yaml().load(in);
    }
    Map<String, Map<String, String>> environments = new HashMap<>();
    Map<String, Object> services = (Map<String, Object>) document.get("services");
    services.forEach((name, definition) -> {
      Map<String, Object> environment = (Map<String, Object>) ((Map<String, Object>) definition).get("environment");
      Map<String, String> values = new LinkedHashMap<>();
      if (environment != null) {
        environment.forEach((key, value) -> values.put(key, String.valueOf(value)));
      }
      environments.put(name, values);
    });
    return environments;
  }

  /** The compose environment, pointed at the embedded servers and at loopback ports. */
  private static void launch(String name, String module, Map<String, String> composeEnvironment, Config infrastructure)
      throws IOException {
    Map<String, String> environment = new LinkedHashMap<>();
    composeEnvironment.forEach((key, value) -> {
      String local = switch (key) {
        case "PG_URL", "REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS" -> infrastructure.get(key, null);
        case "HTTP_HOST" -> "127.0.0.1";
        case "AUTH_DEV_KEY_DIR" -> Tokens.config().get("AUTH_DEV_KEY_DIR");
        case "WALLET_API_PORT", "PAYMENTS_API_PORT", "ORDERS_API_PORT", "WEBHOOKS_API_PORT", "WORKER_HTTP_PORT",
             "PLATFORM_PORT" ->
            Integer.toString(ports.get(name));
        default -> {
          Matcher url = SERVICE_URL.matcher(value);
          yield url.matches() ? "http://127.0.0.1:" + ports.get(url.group(1)) + (url.group(3) == null ? "" : url.group(3))
              : value;
        }
      };
      environment.put(key, local);
    });
    for (String required : List.of("PLATFORM_ROLE", "PG_URL", "KAFKA_BOOTSTRAP_SERVERS")) {
      if (name.equals("gateway") == required.equals("PLATFORM_ROLE")) {
        assertTrue(environment.containsKey(required), name + " gets " + required + " from docker-compose.yml");
      }
    }
    File jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar").toFile();
    assertTrue(jar.isFile(), jar + " was built");
    Path log = Path.of("target", "topology-logs", name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.getPath())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    if (name.equals("gateway")) {
      // The secret compose would generate is chosen here, so that the test can get tokens.
      builder.environment().put("AUTH_DEV_SHARED_SECRET", Tokens.DEV_SECRET);
      builder.environment().put("AUTH_ADMIN_CLIENT_ID", Tokens.ADMIN_CLIENT.toString());
    }
    processes.put(name, builder.start());
  }

  private static void assertAlive() {
    processes.forEach((name, process) -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see target/topology-logs/" + name + ".log");
      }
    });
  }

  private static long minor(JsonObject json, String field) {
    return new BigDecimal(json.getValue(field).toString()).movePointRight(2).longValueExact();
  }

  private static double workerTransactions(String worker) {
    ApiClient client = new ApiClient(vertx, ports.get(worker), admin);
    double total = 0;
    for (String line : client.get("/metrics").bodyAsString().split("\n")) {
      if (line.startsWith("worker_batch_transactions_total")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Test
  void theWalletFlowRunsThroughTheGatewayAndTwoWorkersShareThePartitions() {
    List<UUID> wallets = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      HttpResponse<Buffer> created = gateway.post("/api/v1/wallets", "{\"initialBalance\": 100}");
      assertEquals(201, created.statusCode(), created.bodyAsString());
      wallets.add(UUID.fromString(created.bodyAsJsonObject().getString("walletId")));
    }
    List<Future<HttpResponse<Buffer>>> submissions = new ArrayList<>();
    for (UUID walletId : wallets) {
      for (int i = 0; i < 10; i++) {
        String type = i % 2 == 0 ? "DEPOSIT" : "WITHDRAW";
        submissions.add(gateway.web().post("/api/v1/wallet").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"" + type + "\",\"amount\":"
                + (i % 2 == 0 ? "3.50" : "1.25") + "}")));
      }
    }
    Await.result(Future.join(submissions), Duration.ofSeconds(60));
    submissions.forEach(s -> assertEquals(202, s.result().statusCode(), s.result().bodyAsString()));
    for (UUID walletId : wallets) {
      Await.until("wallet " + walletId + " applied its 10 operations", Duration.ofSeconds(60),
          () -> gateway.get("/api/v1/wallets/" + walletId).bodyAsJsonObject().getLong("version") == 10);
      assertEquals(100_00 + 5 * 350 - 5 * 125, minor(gateway.get("/api/v1/wallets/" + walletId).bodyAsJsonObject(), "balance"));
    }
    assertTrue(workerTransactions("operation-worker-1") > 0, "the first worker process applied batches");
    assertTrue(workerTransactions("operation-worker-2") > 0, "the second worker process applied batches");
  }

  /** The generated clients (issue #32, item 5), through the gateway to the separate services. */
  @Test
  void theGeneratedJavaClientDrivesTheWalletAndOrderFlowsThroughTheGateway() throws Exception {
    UUID someone = UUID.randomUUID();
    GeneratedClientFlows.java("http://127.0.0.1:" + ports.get("gateway"),
        Tokens.fetch(vertx, ports.get("gateway"), someone.toString(), "wallets payments orders funding"), someone);
  }

  @Test
  void theGeneratedTypeScriptClientDrivesTheWalletAndOrderFlowsThroughTheGateway() throws Exception {
    UUID someone = UUID.randomUUID();
    GeneratedClientFlows.typescript("http://127.0.0.1:" + ports.get("gateway"),
        Tokens.fetch(vertx, ports.get("gateway"), someone.toString(), "wallets payments orders funding"), someone);
  }

  @Test
  void theOrderFlowRunsThroughTheGateway() {
    UUID userId = user;
    assertEquals(201, gateway.post("/api/v1/accounts", "{\"initialBalance\":500}").statusCode());
    assertEquals(200, gateway.post("/api/v1/accounts/" + userId + "/deposits", "{\"amount\":300}").statusCode());
    HttpResponse<Buffer> order = gateway.post("/api/v1/orders",
        "{\"amount\":200,\"description\":\"through the gateway\"}");
    assertEquals(201, order.statusCode(), order.bodyAsString());
    String orderId = order.bodyAsJsonObject().getString("orderId");
    Await.until("the order is FINISHED", Duration.ofSeconds(30),
        () -> "FINISHED".equals(gateway.get("/api/v1/orders/" + orderId).bodyAsJsonObject().getString("status")));
    assertEquals(600_00, minor(gateway.get("/api/v1/accounts/" + userId).bodyAsJsonObject(), "balance"));
  }

  @Test
  void theGatewayServesTheUiTheContractsAndProblems() {
    assertTrue(gateway.get("/").bodyAsString().contains("Wallet platform"));
    assertEquals(200, gateway.get("/swagger/").statusCode());
    for (String contract : List.of("wallet-api", "payments-api", "orders-api", "webhooks-api")) {
      assertEquals(200, gateway.get("/openapi/" + contract + ".yaml").statusCode());
    }
    ApiClient.assertProblem(gateway.get("/api/v1/wallets/not-a-uuid"), 400, "VALIDATION_FAILED", "walletId");
    assertEquals(200, gateway.get("/asyncapi/platform-events.yaml").statusCode());
    // Webhooks through the gateway, with compose's SSRF protection on: a loopback target is refused.
    ApiClient.assertProblem(gateway.post("/api/v1/webhooks", "{\"url\":\"https://127.0.0.1/hook\",\"events\":"
        + "[\"order.finished\"]}"), 400, "VALIDATION_FAILED", "url");
    assertEquals(200, gateway.get("/api/v1/webhooks").statusCode());
    ApiClient.assertProblem(gateway.get("/no/such/page"), 404, "NOT_FOUND", null);
    JsonObject health = gateway.get("/health").bodyAsJsonObject();
    assertEquals("UP", health.getString("status"));
    List<String> ids = new java.util.ArrayList<>();
    health.getJsonArray("checks").forEach(check -> ids.add(((JsonObject) check).getString("id")));
    assertTrue(ids.containsAll(List.of("readiness", "wallet-api", "payments-api", "orders-api", "webhooks")),
        health.encode());
    JsonObject walletApi = health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> "wallet-api".equals(check.getString("id"))).findFirst().orElseThrow();
    assertEquals("UP", walletApi.getString("status"));
    assertTrue(walletApi.getJsonArray("checks").size() >= 3, "each service's own checks, nested: " + health.encode());
    ApiClient.assertProblem(new ApiClient(vertx, ports.get("gateway")).get("/api/v1/orders"), 401, "UNAUTHENTICATED", null);
  }
}
