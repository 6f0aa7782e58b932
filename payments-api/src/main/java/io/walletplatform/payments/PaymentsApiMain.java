package io.walletplatform.payments;

import io.vertx.core.DeploymentOptions;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.common.outbox.PublishGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Runs payments-api alone: migrate, consume payment requests, relay results, serve on {@code PAYMENTS_API_PORT}. */
public final class PaymentsApiMain {

  private static final Logger log = LoggerFactory.getLogger(PaymentsApiMain.class);

  private PaymentsApiMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    PaymentsSettings settings = PaymentsSettings.from(config);
    ServiceRuntime runtime = ServiceRuntime.create();
    PaymentsProcessing.deploy(runtime.vertx(), settings, runtime.registry(), PublishGate.OPEN)
        .compose(ignored -> AuthDatabase.start(runtime.vertx(), config))
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
                List.of(PaymentsApi.factory(settings))),
            new DeploymentOptions().setInstances(settings.httpInstances())))
        .onSuccess(id -> log.info("payments-api listening on port {}", settings.http().port()))
        .onFailure(error -> {
          log.error("payments-api failed to start", error);
          new Thread(() -> System.exit(1), "exit").start();
        });
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() ->
        runtime.vertx().close().toCompletionStage().toCompletableFuture().join(), "payments-api-stop"));
  }
}
