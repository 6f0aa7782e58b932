package io.walletplatform.platform;

import io.walletplatform.common.config.Config;
import io.walletplatform.infra.testing.HoldingFaults;
import io.walletplatform.common.ops.Launcher;
import io.vertx.core.json.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.ServiceProcess;
import io.walletplatform.wallet.WalletApiMain;
import io.walletplatform.wallet.WalletApiSettings;
import io.walletplatform.worker.OperationWorkerMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * operation-worker as a process of its own, SIGKILLed at the worst moment for the cache: after its
 * database commit, before the Redis refresh and the offset commit. wallet-api runs in this JVM and
 * is read over HTTP, as a client would.
 */
class WorkerCrashTest {

  private static final Pattern BALANCE = Pattern.compile("\"balance\":([0-9.]+)");

  private static ServiceRuntime runtime;
  private static Config config;
  private static ApiClient api;

  @BeforeAll
  static void start() throws IOException {
    config = IsolatedConfig.create("crash").with("WALLET_API_PORT", Integer.toString(FreePorts.pick()))
        .with("WORKER_CONSUMERS", "1")
        // A SIGKILLed worker's partition goes to its successor after 2 s instead of 10.
        .with("KAFKA_SESSION_TIMEOUT_MS", "2000");
    runtime = ServiceRuntime.create();
    WalletApiSettings settings = WalletApiSettings.from(config);
    var authentication = io.walletplatform.infra.testing.Tokens.authentication(runtime.vertx(), config);
    Await.result(WalletApiMain.start(runtime, settings, authentication), Duration.ofSeconds(60));
    api = new ApiClient(runtime.vertx(), settings.http().port(), io.walletplatform.infra.testing.Tokens.user(authentication));
  }

  @AfterAll
  static void stop() {
    Await.result(runtime.vertx().close());
  }

  private static ServiceProcess worker(String name, String holdAt) {
    return worker(name, holdAt, Map.of());
  }

  private static ServiceProcess worker(String name, String holdAt, Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(config.values());
    environment.putAll(extra);
    if (holdAt != null) {
      environment.put(HoldingFaults.HOLD_AT, holdAt);
    }
    return ServiceProcess.start(name, (holdAt == null ? OperationWorkerMain.class : FaultHoldingWorkerMain.class).getName(),
        environment);
  }

  /** The balance exactly as the API wrote it. */
  private static String balance(String walletId) {
    Matcher balance = BALANCE.matcher(api.get("/api/v1/wallets/" + walletId).bodyAsString());
    return balance.find() ? balance.group(1) : null;
  }

  @Test
  void aWorkerKilledBetweenItsCommitAndTheCacheRefreshLeavesNoStaleBalanceOnceTheRecordIsRedelivered() {
    String walletId = api.post("/api/v1/wallets", "{\"initialBalance\": 10}").bodyAsJsonObject().getString("walletId");
    assertEquals("10.00", balance(walletId), "cached at creation");

    try (ServiceProcess doomed = worker("worker-killed-after-commit", "worker.after-commit")) {
      assertEquals(202, api.post("/api/v1/wallet", "{\"walletId\":\"" + walletId
          + "\",\"operationType\":\"DEPOSIT\",\"amount\":5,\"operationId\":\"" + UUID.randomUUID() + "\"}").statusCode());
      doomed.awaitOutput("FAULT POINT worker.after-commit REACHED", Duration.ofSeconds(60));
      doomed.kill();
    }
    assertEquals("10.00", balance(walletId), "committed in PostgreSQL, but the cache was never refreshed");

    try (ServiceProcess successor = worker("worker-after-crash", null)) {
      Await.until("the redelivered batch, all duplicates, refreshes the cache", Duration.ofSeconds(60),
          () -> "15.00".equals(balance(walletId)));
      successor.terminate();
    }
  }

  private static String transactionStatus(String transactionId) {
    return api.get("/api/v1/transactions/" + transactionId).bodyAsJsonObject().getString("status");
  }

  private static String held(String walletId) {
    Matcher held = Pattern.compile("\"held\":([0-9.]+)").matcher(api.get("/api/v1/wallets/" + walletId).bodyAsString());
    return held.find() ? held.group(1) : null;
  }

  /**
   * The coordinator SIGKILLed at its two worst moments. Inside its settlement, everything written
   * but not committed: nothing moved (the reservations stay held, the transaction PENDING). Its
   * successor settles it and is SIGKILLed after the commit, before the cache refresh: the transaction
   * is COMPLETED, the cached balances behind, and nothing redelivers a settled transaction. The next
   * one refreshes the wallets of recently settled transactions as it starts: every balance right, once.
   */
  @Test
  void aCoordinatorKilledInsideOrRightAfterItsSettlementLeavesNothingHalfMovedOrStale() {
    String a = api.post("/api/v1/wallets", "{\"initialBalance\": 30}").bodyAsJsonObject().getString("walletId");
    String b = api.post("/api/v1/wallets", "{\"initialBalance\": 5}").bodyAsJsonObject().getString("walletId");
    String c = api.post("/api/v1/wallets", "{}").bodyAsJsonObject().getString("walletId");
    String transactionId;
    try (ServiceProcess doomed = worker("coordinator-killed-inside", "coordinator.before-commit")) {
      HttpResponse<Buffer> accepted = api.post("/api/v1/transactions", "{\"postings\": [{\"from\":\"" + a
          + "\",\"to\":\"" + c + "\",\"amount\":10},{\"from\":\"" + b + "\",\"to\":\"" + c + "\",\"amount\":5}]}");
      assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
      transactionId = accepted.bodyAsJsonObject().getString("transactionId");
      doomed.awaitOutput("FAULT POINT coordinator.before-commit REACHED", Duration.ofSeconds(60));
      doomed.kill();
    }
    assertEquals("PENDING", transactionStatus(transactionId));
    assertEquals("30.00", balance(a));
    assertEquals("10.00", held(a), "reserved, not moved");
    assertEquals("0.00", balance(c), "nothing credited");

    try (ServiceProcess doomed = worker("coordinator-killed-after-commit", "coordinator.after-commit")) {
      doomed.awaitOutput("FAULT POINT coordinator.after-commit REACHED", Duration.ofSeconds(60));
      doomed.kill();
    }
    assertEquals("COMPLETED", transactionStatus(transactionId), "committed");
    assertEquals("0.00", balance(c), "committed in PostgreSQL, but the cache was never refreshed");

    try (ServiceProcess successor = worker("coordinator-restarted", null)) {
      Await.until("the successor refreshes the settled wallets", Duration.ofSeconds(60), () -> "15.00".equals(balance(c)));
      assertEquals("20.00", balance(a));
      assertEquals("0.00", balance(b));
      assertEquals("0.00", held(a), "the reservation was captured, once");
      successor.terminate();
    }
  }

  private static int status(WebClient client, String path) {
    return Await.result(client.get(path).send()).statusCode();
  }

  /**
   * SIGTERM: readiness fails first (the grace period keeps the process serving, so a load balancer
   * or Kubernetes sees 503 from /health/ready while /health/live still answers), then the process
   * drains and exits with the JVM's SIGTERM status well inside its bound.
   */
  @Test
  void aTerminatedWorkerFailsReadinessFirstThenStopsWithinItsBound() {
    int port = FreePorts.pick();
    WebClient probe = WebClient.create(runtime.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    try (ServiceProcess worker = worker("worker-terminated", null, Map.of("WORKER_HTTP_PORT", Integer.toString(port),
        "SHUTDOWN_GRACE_MS", "4000", "SHUTDOWN_TIMEOUT_MS", "20000"))) {
      Await.until("the worker is ready (its consumer joined the group)", Duration.ofSeconds(60), () -> {
        try {
          return status(probe, "/health/ready") == 200;
        } catch (AssertionError notListeningYet) {
          return false;
        }
      });
      JsonObject ready = Await.result(probe.get("/health/ready").send()).bodyAsJsonObject();
      assertTrue(ready.getJsonArray("checks").contains(new JsonObject().put("id", "consumers").put("status", "UP")),
          ready.encode());
      long terminatedAt = System.nanoTime();
      worker.sendTerminate();
      Await.until("readiness fails while the process still serves", Duration.ofSeconds(3),
          () -> status(probe, "/health/ready") == 503);
      JsonObject draining = Await.result(probe.get("/health/ready").send()).bodyAsJsonObject();
      assertTrue(draining.getJsonArray("checks").contains(new JsonObject().put("id", "readiness").put("status", "DOWN")),
          draining.encode());
      assertEquals(200, status(probe, "/health/live"), "alive while draining");
      assertEquals(143, worker.awaitExit(Duration.ofSeconds(30)), worker.output());
      long tookMs = (System.nanoTime() - terminatedAt) / 1_000_000;
      assertTrue(tookMs >= 4000 && tookMs < 20_000, "stopped after the grace and within the bound: " + tookMs + " ms");
      assertTrue(worker.output().contains("operation-worker stopped in"), worker.output());
    } finally {
      probe.close();
    }
  }

  /** A batch that never finishes cannot hold a stop for ever: at the bound the process halts with 2. */
  @Test
  void aWorkerThatCannotFinishItsBatchIsHaltedAtItsShutdownBound() {
    String walletId = api.post("/api/v1/wallets", "{\"initialBalance\": 0}").bodyAsJsonObject().getString("walletId");
    try (ServiceProcess stuck = worker("worker-stuck-at-stop", "worker.after-commit",
        Map.of("SHUTDOWN_TIMEOUT_MS", "3000"))) {
      assertEquals(202, api.post("/api/v1/wallet", "{\"walletId\":\"" + walletId
          + "\",\"operationType\":\"DEPOSIT\",\"amount\":2}").statusCode());
      stuck.awaitOutput("FAULT POINT worker.after-commit REACHED", Duration.ofSeconds(60));
      long terminatedAt = System.nanoTime();
      stuck.sendTerminate();
      assertEquals(Launcher.EXIT_SHUTDOWN_TIMED_OUT, stuck.awaitExit(Duration.ofSeconds(20)), stuck.output());
      long tookMs = (System.nanoTime() - terminatedAt) / 1_000_000;
      assertTrue(tookMs >= 3000 && tookMs < 15_000, "halted at the bound: " + tookMs + " ms");
      assertTrue(stuck.output().contains("did not stop within 3000 ms"), stuck.output());
    }
    try (ServiceProcess successor = worker("worker-after-halt", null)) {
      Await.until("the uncommitted batch is applied again, once", Duration.ofSeconds(60),
          () -> "2.00".equals(balance(walletId)));
      successor.terminate();
    }
  }
}
