package io.walletplatform.platform;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.FaultPoints;
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
        .with("WORKER_CONSUMERS", "1");
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
    Map<String, String> environment = new HashMap<>(config.values());
    if (holdAt != null) {
      environment.put(FaultPoints.HOLD_AT, holdAt);
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
}
