package io.walletplatform.payments;

import io.vertx.core.DeploymentOptions;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.Launcher;
import io.walletplatform.common.faults.Faults;

import java.util.List;

/** Runs payments-api alone: migrate, consume payment requests, relay results, serve on {@code PAYMENTS_API_PORT}. */
public final class PaymentsApiMain {

  private PaymentsApiMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    PaymentsSettings settings = PaymentsSettings.from(config);
    Launcher.run("payments-api", config, runtime -> PaymentsProcessing.deploy(runtime.vertx(), settings, runtime.registry(), Faults.NONE)
        .compose(ignored -> AuthDatabase.start(runtime.vertx(), config))
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
                List.of(PaymentsApi.factory(settings))),
            new DeploymentOptions().setInstances(settings.httpInstances())))
        .map(id -> "port " + settings.http().port()));
  }
}
