package io.walletplatform.platform;

import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.Launcher;
import io.walletplatform.infra.EmbeddedInfrastructure;
import io.walletplatform.webhooks.WebhooksSettings;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar platform/target/platform.jar}: starts embedded PostgreSQL, Redis and Kafka for
 * whichever of {@code PG_URL}, {@code REDIS_URL}, {@code KAFKA_BOOTSTRAP_SERVERS} is not set, runs
 * the migrations, deploys every service and serves them on {@code PLATFORM_PORT} (8080).
 * Ctrl-C stops the services first (in-flight batches finish or stay uncommitted), then the servers
 * ({@link Launcher}: bounded by {@code SHUTDOWN_TIMEOUT_MS}).
 */
public final class PlatformMain {

  private static final String REGISTRATION = "AUTH_DEV_REGISTRATION";
  private static final String ADMIN_CLIENT_ID = "AUTH_ADMIN_CLIENT_ID";
  /** The one-command platform's admin client, unless AUTH_ADMIN_CLIENT_ID names another (docker compose uses it too). */
  public static final String DEFAULT_ADMIN_CLIENT_ID = "00000000-0000-4000-8000-0000000000ad";

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
    // The one-command platform is for development: webhooks may go to a receiver on this machine
    // (WEBHOOKS_ALLOW_PRIVATE_NETWORKS=false in the environment turns the SSRF protection back on).
    // Also for development: anyone may register a client (no funding: an admin grants that), and an
    // admin client exists, its secret generated into data/auth/admin-client-secret at the first start.
    Config config = environment.with(EmbeddedInfrastructure.DATA_DIR, environment.get(EmbeddedInfrastructure.DATA_DIR, "data"))
        .with(WebhooksSettings.ALLOW_PRIVATE_NETWORKS, environment.get(WebhooksSettings.ALLOW_PRIVATE_NETWORKS, "true"))
        .with(REGISTRATION, environment.get(REGISTRATION, "true"))
        .with(ADMIN_CLIENT_ID, environment.get(ADMIN_CLIENT_ID, DEFAULT_ADMIN_CLIENT_ID));
    if (config.getBoolean(REGISTRATION, false)) {
      LoggerFactory.getLogger(PlatformMain.class).warn("client registration is open (POST /oauth/clients, as the "
          + "one-command platform is for development): set AUTH_DEV_REGISTRATION=false before exposing this process");
    }
    EmbeddedInfrastructure infrastructure;
    try {
      infrastructure = EmbeddedInfrastructure.startMissing(config);
    } catch (RuntimeException e) {
      failedStart(e, () -> { });
      return;
    }
    try {
      PlatformSettings settings = PlatformSettings.from(infrastructure.config());
      // Services first (in-flight batches finish or stay uncommitted), then the embedded servers.
      Launcher.run("platform", config, runtime -> Platform.deployWarm(runtime, settings)
              .map(ignored -> "http://localhost:" + settings.http().port() + "/ (health: /health/ready, /health/live; "
                  + "metrics: /metrics, contracts: /openapi/{wallet-api,payments-api,orders-api,webhooks-api}.yaml, "
                  + "/asyncapi/platform-events.yaml)"),
          infrastructure::close);
    } catch (RuntimeException e) {
      failedStart(e, infrastructure::close);
    }
  }

  /**
   * A setting refused before the services start: stop what was started and exit 1. Throwing out of
   * {@code main} is not enough, the embedded broker's threads would keep the JVM alive, listening on
   * nothing and holding the data directory's lock, so that the next start fails too (issue #30).
   */
  private static void failedStart(RuntimeException error, Runnable stopStarted) {
    LoggerFactory.getLogger(PlatformMain.class).error("platform failed to start: {}", error.getMessage(), error);
    try {
      stopStarted.run();
    } finally {
      System.exit(Launcher.EXIT_START_FAILED);
    }
  }

  /** Gateway role: no infrastructure, no services; forwards to the standalone services. */
  private static void runGateway(Config config) {
    GatewaySettings settings = GatewaySettings.from(config);
    Launcher.run("gateway", config, runtime -> AuthDatabase.start(runtime.vertx(), config)
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new GatewayVerticle(settings, runtime.registry(), authentication),
            new io.vertx.core.DeploymentOptions().setInstances(Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()))))
        .map(ignored -> "http://localhost:" + settings.http().port() + "/ forwarding to " + settings.healthTargets()));
  }
}
