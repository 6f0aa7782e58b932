package io.walletplatform.platform;

import io.walletplatform.common.ops.Launcher;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * operation-worker as a process of its own, stopped: SIGTERM drains within its bound with readiness
 * failing first, and a batch that never finishes is halted at the bound (its records applied once by
 * the successor). Beside {@link WorkerCrashTest} (the SIGKILLs), in a class of its own so that the two
 * run in parallel forks.
 */
class WorkerShutdownTest {

  @RegisterExtension
  static final WorkerProcesses processes = new WorkerProcesses("shutdown");

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
    WebClient probe = WebClient.create(processes.runtime().vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    try (ServiceProcess worker = processes.worker("worker-terminated", null, Map.of("WORKER_HTTP_PORT", Integer.toString(port),
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
    String walletId = processes.api().post("/api/v1/wallets", "{\"initialBalance\": 0}").bodyAsJsonObject().getString("walletId");
    try (ServiceProcess stuck = processes.worker("worker-stuck-at-stop", "worker.after-commit",
        Map.of("SHUTDOWN_TIMEOUT_MS", "3000"))) {
      assertEquals(202, processes.api().post("/api/v1/wallet", "{\"walletId\":\"" + walletId
          + "\",\"operationType\":\"DEPOSIT\",\"amount\":2}").statusCode());
      stuck.awaitOutput("FAULT POINT worker.after-commit REACHED", Duration.ofSeconds(60));
      long terminatedAt = System.nanoTime();
      stuck.sendTerminate();
      assertEquals(Launcher.EXIT_SHUTDOWN_TIMED_OUT, stuck.awaitExit(Duration.ofSeconds(20)), stuck.output());
      long tookMs = (System.nanoTime() - terminatedAt) / 1_000_000;
      assertTrue(tookMs >= 3000 && tookMs < 15_000, "halted at the bound: " + tookMs + " ms");
      assertTrue(stuck.output().contains("did not stop within 3000 ms"), stuck.output());
    }
    try (ServiceProcess successor = processes.worker("worker-after-halt", null)) {
      Await.until("the uncommitted batch is applied again, once", Duration.ofSeconds(60),
          () -> "2.00".equals(processes.balance(walletId)));
      successor.terminate();
    }
  }
}
