package io.walletplatform.platform;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
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

  @RegisterExtension
  static final WorkerProcesses processes = new WorkerProcesses("crash");

  @Test
  void aWorkerKilledBetweenItsCommitAndTheCacheRefreshLeavesNoStaleBalanceOnceTheRecordIsRedelivered() {
    String walletId = processes.api().post("/api/v1/wallets", "{\"initialBalance\": 10}").bodyAsJsonObject().getString("walletId");
    assertEquals("10.00", processes.balance(walletId), "cached at creation");

    try (ServiceProcess doomed = processes.worker("worker-killed-after-commit", "worker.after-commit")) {
      assertEquals(202, processes.api().post("/api/v1/wallet", "{\"walletId\":\"" + walletId
          + "\",\"operationType\":\"DEPOSIT\",\"amount\":5,\"operationId\":\"" + UUID.randomUUID() + "\"}").statusCode());
      doomed.awaitOutput("FAULT POINT worker.after-commit REACHED", Duration.ofSeconds(60));
      doomed.kill();
    }
    assertEquals("10.00", processes.balance(walletId), "committed in PostgreSQL, but the cache was never refreshed");

    try (ServiceProcess successor = processes.worker("worker-after-crash", null)) {
      Await.until("the redelivered batch, all duplicates, refreshes the cache", Duration.ofSeconds(60),
          () -> "15.00".equals(processes.balance(walletId)));
      // Its consumers apply before it reports ready; a SIGTERM before then waits for the shutdown bound.
      successor.awaitOutput("operation-worker ready", Duration.ofSeconds(60));
      successor.terminate();
    }
  }

  private static String transactionStatus(String transactionId) {
    return processes.api().get("/api/v1/transactions/" + transactionId).bodyAsJsonObject().getString("status");
  }

  private static String held(String walletId) {
    Matcher held = Pattern.compile("\"held\":([0-9.]+)").matcher(processes.api().get("/api/v1/wallets/" + walletId).bodyAsString());
    return held.find() ? held.group(1) : null;
  }

  /**
   * The coordinator SIGKILLed at its two worst moments. Inside its settlement, everything written
   * but not committed: nothing moved (the reservations stay held, the transaction PENDING). Its
   * successor settles it and is SIGKILLed after the commit, before the cache refresh: the cached
   * balances are behind and nothing redelivers a settled transaction, but the transaction's GET answers
   * COMPLETED only once its wallets read it (bringing the cache forward). The next worker refreshes the
   * wallets of recently settled transactions as it starts: every balance right, once.
   */
  @Test
  void aCoordinatorKilledInsideOrRightAfterItsSettlementLeavesNothingHalfMovedOrStale() {
    String a = processes.api().post("/api/v1/wallets", "{\"initialBalance\": 30}").bodyAsJsonObject().getString("walletId");
    String b = processes.api().post("/api/v1/wallets", "{\"initialBalance\": 5}").bodyAsJsonObject().getString("walletId");
    String c = processes.api().post("/api/v1/wallets", "{}").bodyAsJsonObject().getString("walletId");
    String transactionId;
    try (ServiceProcess doomed = processes.worker("coordinator-killed-inside", "coordinator.before-commit")) {
      HttpResponse<Buffer> accepted = processes.api().post("/api/v1/transactions", "{\"postings\": [{\"from\":\"" + a
          + "\",\"to\":\"" + c + "\",\"amount\":10},{\"from\":\"" + b + "\",\"to\":\"" + c + "\",\"amount\":5}]}");
      assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
      transactionId = accepted.bodyAsJsonObject().getString("transactionId");
      doomed.awaitOutput("FAULT POINT coordinator.before-commit REACHED", Duration.ofSeconds(60));
      // Only the settlement is held: the reservations' batch refreshes the cache on its own (a kill
      // before that refresh is another case: the batch, its offsets uncommitted, comes again).
      Await.until("the reservation is in the cache", Duration.ofSeconds(30), () -> "10.00".equals(held(a)));
      doomed.kill();
    }
    assertEquals("PENDING", transactionStatus(transactionId));
    assertEquals("30.00", processes.balance(a));
    assertEquals("10.00", held(a), "reserved, not moved");
    assertEquals("0.00", processes.balance(c), "nothing credited");

    try (ServiceProcess doomed = processes.worker("coordinator-killed-after-commit", "coordinator.after-commit")) {
      doomed.awaitOutput("FAULT POINT coordinator.after-commit REACHED", Duration.ofSeconds(60));
      doomed.kill();
    }
    assertEquals("0.00", processes.balance(c), "committed in PostgreSQL, but the cache was never refreshed");
    // Read final, the transaction's wallets read it too: its GET brought their cached entries forward
    // from PostgreSQL (as a final operation's GET does), before any worker came back.
    assertEquals("COMPLETED", transactionStatus(transactionId), "committed");
    assertEquals("15.00", processes.balance(c), "the transaction's GET brought the cache forward");
    assertEquals("20.00", processes.balance(a));
    assertEquals("0.00", processes.balance(b));
    assertEquals("0.00", held(a), "the reservation was captured, once");

    try (ServiceProcess successor = processes.worker("coordinator-restarted", null)) {
      // Its refresh runs before it reports ready (a SIGTERM before then waits for the shutdown bound); a
      // client that reads only the wallets, never the transaction, gets them right from here on.
      successor.awaitOutput("wallets of recently settled transactions", Duration.ofSeconds(60));
      successor.awaitOutput("operation-worker ready", Duration.ofSeconds(60));
      assertEquals("15.00", processes.balance(c), "nothing moved twice");
      assertEquals("20.00", processes.balance(a));
      successor.terminate();
    }
  }
}
