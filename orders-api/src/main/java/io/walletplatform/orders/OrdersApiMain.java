package io.walletplatform.orders;

import io.vertx.core.DeploymentOptions;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.common.outbox.PublishGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Runs orders-api alone: migrate, relay payment requests, consume results, serve on {@code ORDERS_API_PORT}. */
public final class OrdersApiMain {

  private static final Logger log = LoggerFactory.getLogger(OrdersApiMain.class);

  private OrdersApiMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    OrdersSettings settings = OrdersSettings.from(config);
    ServiceRuntime runtime = ServiceRuntime.create();
    OrdersProcessing.deploy(runtime.vertx(), settings, runtime.registry(), PublishGate.OPEN)
        .compose(ignored -> AuthDatabase.start(runtime.vertx(), config))
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
                List.of(OrdersApi.factory(settings))),
            new DeploymentOptions().setInstances(settings.httpInstances())))
        .onSuccess(id -> log.info("orders-api listening on port {}", settings.http().port()))
        .onFailure(error -> {
          log.error("orders-api failed to start", error);
          new Thread(() -> System.exit(1), "exit").start();
        });
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() ->
        runtime.vertx().close().toCompletionStage().toCompletableFuture().join(), "orders-api-stop"));
  }
}
