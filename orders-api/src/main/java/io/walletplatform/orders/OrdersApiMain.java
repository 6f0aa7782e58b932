package io.walletplatform.orders;

import io.vertx.core.DeploymentOptions;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.Launcher;
import io.walletplatform.common.faults.Faults;

import java.util.List;

/** Runs orders-api alone: migrate, relay payment requests, consume results, serve on {@code ORDERS_API_PORT}. */
public final class OrdersApiMain {

  private OrdersApiMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    OrdersSettings settings = OrdersSettings.from(config);
    Launcher.run("orders-api", config, runtime -> OrdersProcessing.deploy(runtime.vertx(), settings, runtime.registry(), Faults.NONE)
        .compose(ignored -> AuthDatabase.start(runtime.vertx(), config))
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
                List.of(OrdersApi.factory(settings))),
            new DeploymentOptions().setInstances(settings.httpInstances())))
        .map(id -> "port " + settings.http().port()));
  }
}
