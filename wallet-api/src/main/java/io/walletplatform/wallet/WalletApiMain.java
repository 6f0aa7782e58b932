package io.walletplatform.wallet;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.common.ops.HttpFrontVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Runs wallet-api alone: migrate, make sure the topic exists, then serve on {@code WALLET_API_PORT}. */
public final class WalletApiMain {

  private static final Logger log = LoggerFactory.getLogger(WalletApiMain.class);

  private WalletApiMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    WalletApiSettings settings = WalletApiSettings.from(config);
    ServiceRuntime runtime = ServiceRuntime.create();
    runtime.readiness().warmingUp();
    AuthDatabase.start(runtime.vertx(), config)
        .compose(authentication -> start(runtime, settings, authentication)
            // The worker runs elsewhere: warm the accept and read paths, without waiting for outcomes.
            .compose(id -> WarmUp.run(runtime.vertx(), settings.http().host(), settings.http().port(),
                authentication.issuer(), WarmUp.Settings.from(config), false)))
        .onSuccess(warm -> {
          runtime.readiness().ready();
          log.info("wallet-api ready on port {}", settings.http().port());
        })
        .onFailure(error -> {
          log.error("wallet-api failed to start", error);
          new Thread(() -> System.exit(1), "exit").start();
        });
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.readiness().draining();
      runtime.vertx().close().toCompletionStage().toCompletableFuture().join();
    }, "wallet-api-stop"));
  }

  public static Future<String> start(ServiceRuntime runtime, WalletApiSettings settings, Authentication authentication) {
    return Migrations.migrate(runtime.vertx(), settings.pg(), Migrations.WALLET)
        .compose(ignored -> KafkaClients.ensureTopics(runtime.vertx(), settings.kafka(), List.of(settings.operationsTopic())))
        .compose(ignored -> runtime.vertx().deployVerticle(
            () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
                List.of(WalletApi.factory(settings, runtime.registry())), front -> front.readiness(runtime.readiness())),
            new DeploymentOptions().setInstances(settings.httpInstances())));
  }
}
