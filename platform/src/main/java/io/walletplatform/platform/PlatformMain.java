package io.walletplatform.platform;

import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.EmbeddedInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar platform/target/platform.jar}: starts embedded PostgreSQL, Redis and Kafka for
 * whichever of {@code PG_URL}, {@code REDIS_URL}, {@code KAFKA_BOOTSTRAP_SERVERS} is not set, runs
 * the migrations, deploys every service and serves them on {@code PLATFORM_PORT} (8080).
 * Ctrl-C stops the services first (in-flight batches finish or stay uncommitted), then the servers.
 */
public final class PlatformMain {

  private static final Logger log = LoggerFactory.getLogger(PlatformMain.class);

  private PlatformMain() {
  }

  public static void main(String[] args) {
    Config environment = Config.fromEnvironment();
    boolean gateway = java.util.Arrays.asList(args).contains("--gateway")
        || "gateway".equalsIgnoreCase(environment.get("PLATFORM_ROLE", "all-in-one"));
    if (gateway) {
      runGateway(environment);
      return;
    }
    Config config = environment.with(EmbeddedInfrastructure.DATA_DIR, environment.get(EmbeddedInfrastructure.DATA_DIR, "data"));
    EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.startMissing(config);
    ServiceRuntime runtime = ServiceRuntime.create();
    PlatformSettings settings = PlatformSettings.from(infrastructure.config());
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: services first, then the embedded servers");
      runtime.readiness().draining();
      try {
        runtime.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("services did not stop within 30 s", e);
      }
      infrastructure.close();
    }, "platform-stop"));
    Platform.deployWarm(runtime, settings)
        .onSuccess(ignored -> log.info("platform ready on http://localhost:{}/ (health: /health/ready, /health/live; metrics: /metrics, "
            + "contracts: /openapi/{wallet-api,payments-api,orders-api}.yaml)", settings.http().port()))
        .onFailure(error -> {
          log.error("platform failed to start", error);
          // Exit from a plain thread: the shutdown hook waits for the event loops this callback runs on.
          new Thread(() -> System.exit(1), "platform-exit").start();
        });
  }

  /** Gateway role: no infrastructure, no services; forwards to the standalone services. */
  private static void runGateway(Config config) {
    GatewaySettings settings = GatewaySettings.from(config);
    ServiceRuntime runtime = ServiceRuntime.create();
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() ->
        runtime.vertx().close().toCompletionStage().toCompletableFuture().join(), "gateway-stop"));
    AuthDatabase.start(runtime.vertx(), config)
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new GatewayVerticle(settings, runtime.registry(), authentication),
            new io.vertx.core.DeploymentOptions().setInstances(Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()))))
        .onSuccess(ignored -> log.info("gateway ready on http://localhost:{}/ forwarding to {}", settings.http().port(),
            settings.healthTargets()))
        .onFailure(error -> {
          log.error("gateway failed to start", error);
          new Thread(() -> System.exit(1), "gateway-exit").start();
        });
  }
}
