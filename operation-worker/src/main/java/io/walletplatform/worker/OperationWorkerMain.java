package io.walletplatform.worker;

import io.walletplatform.common.health.KafkaProbe;
import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.http.RequestTargets;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.health.HealthCheck;
import io.walletplatform.common.ops.HttpFront;
import io.walletplatform.common.ops.Launcher;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.migrations.Migrations;

import java.util.List;
import java.util.Map;

/**
 * Runs operation-worker alone: migrate, deploy the consumers, and serve {@code /health} and
 * {@code /metrics} on {@code WORKER_HTTP_PORT}. Several such processes share the partitions.
 */
public final class OperationWorkerMain {

  private OperationWorkerMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    run(config, OperationWorkerSettings.from(config), Faults.NONE);
  }

  /** Runs the worker process (a fault-injection test's own main passes faults that hold it at a point). */
  public static void run(Config config, OperationWorkerSettings settings, Faults faults) {
    Launcher.run("operation-worker", config, runtime -> Migrations.migrate(runtime.vertx(), settings.pg(), Migrations.WALLET)
        .compose(ignored -> OperationWorker.deploy(runtime.vertx(), settings, runtime.registry(), faults))
        .compose(ignored -> AuthDatabase.start(runtime.vertx(), config))
        .compose(authentication -> serveOperations(runtime, settings, authentication))
        .map(port -> "/health and /metrics on port " + port));
  }

  /** /health for everyone, /metrics for an admin token. */
  private static Future<Integer> serveOperations(ServiceRuntime runtime, OperationWorkerSettings settings,
                                                 Authentication authentication) {
    Pool pool = PgPools.create(runtime.vertx(), settings.pg(), "operation-worker-health");
    Redis redis = RedisClients.create(runtime.vertx(), settings.redis());
    KafkaAdminClient admin = KafkaProbe.admin(runtime.vertx(), settings.kafka());
    List<HealthCheck> checks = List.of(
        new HealthCheck("postgres", () -> pool.query("SELECT 1").execute()),
        new HealthCheck("redis", () -> WalletCache.ping(redis)),
        new HealthCheck("kafka", () -> KafkaProbe.probe(admin)));
    return runtime.vertx().createHttpServer(settings.http().serverOptions())
        .invalidRequestHandler(RequestTargets::rejectInvalid)
        .requestHandler(HttpFront.builder(runtime.vertx(), runtime.registry(), authentication,
            settings.http().requestTimeout()).healthChecks(checks).build())
        .listen()
        .map(server -> server.actualPort());
  }
}
