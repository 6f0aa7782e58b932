package io.walletplatform.wallet;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.Launcher;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.common.ops.HttpFrontVerticle;

import java.util.List;

/** Runs wallet-api alone: migrate, make sure the topic exists, then serve on {@code WALLET_API_PORT}. */
public final class WalletApiMain {

  private WalletApiMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    WalletApiSettings settings = WalletApiSettings.from(config);
    Launcher.run("wallet-api", config, runtime -> {
      runtime.readiness().warmingUp();
      return AuthDatabase.start(runtime.vertx(), config)
          .compose(authentication -> start(runtime, settings, authentication)
              // The worker runs elsewhere: warm the accept and read paths, without waiting for outcomes.
              .compose(id -> WarmUp.run(runtime.vertx(), settings.http().host(), settings.http().port(),
                  authentication.issuer(), WarmUp.Settings.from(config), false)))
          .map(warm -> {
            runtime.readiness().ready();
            return "port " + settings.http().port();
          });
    });
  }

  public static Future<String> start(ServiceRuntime runtime, WalletApiSettings settings, Authentication authentication) {
    return Migrations.migrate(runtime.vertx(), settings.pg(), Migrations.WALLET)
        .compose(ignored -> KafkaClients.ensureTopics(runtime.vertx(), settings.kafka(), List.of(settings.operationsTopic())))
        .compose(ignored -> {
          // Once, outside the supplier: the instances share its admission and owners.
          io.walletplatform.common.ops.ApiModule.Factory wallet = WalletApi.factory(settings, runtime.registry());
          return runtime.vertx().deployVerticle(
              () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication, List.of(wallet)),
              new DeploymentOptions().setInstances(settings.httpInstances()));
        });
  }
}
