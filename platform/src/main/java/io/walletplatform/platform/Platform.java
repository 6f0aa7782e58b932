package io.walletplatform.platform;

import io.walletplatform.common.faults.Faults;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.orders.OrdersApi;
import io.walletplatform.orders.OrdersProcessing;
import io.walletplatform.payments.PaymentsApi;
import io.walletplatform.payments.PaymentsProcessing;
import io.walletplatform.wallet.WalletApi;
import io.walletplatform.wallet.WarmUp;
import io.walletplatform.webhooks.WebhooksApi;
import io.walletplatform.webhooks.WebhooksProcessing;
import io.walletplatform.worker.OperationWorker;

import java.util.List;

/** Deploys every service of the platform into one Vert.x instance, behind one HTTP port. */
public final class Platform {

  private Platform() {
  }

  /** Deploys everything; the platform's {@link Authentication} (its development issuer, by default) is the result. */
  public static Future<Authentication> deploy(ServiceRuntime runtime, PlatformSettings settings) {
    return AuthDatabase.start(runtime.vertx(), settings.auth(), settings.authPg())
        .compose(authentication -> deploy(runtime, settings, authentication).map(authentication));
  }

  /**
   * Deploys everything, then warms the wallet hot path ({@link WarmUp}) before {@code /health/ready}
   * turns 200: not ready while either runs, ready after (a warm-up that fails only ends early).
   */
  public static Future<Authentication> deployWarm(ServiceRuntime runtime, PlatformSettings settings) {
    runtime.readiness().warmingUp();
    return deploy(runtime, settings).compose(authentication -> WarmUp.run(runtime.vertx(), settings.http().host(),
            settings.http().port(), authentication.issuer(), settings.warmUp(), true)
        .map(authentication))
        .onSuccess(ignored -> runtime.readiness().ready());
  }

  private static Future<Void> deploy(ServiceRuntime runtime, PlatformSettings settings, Authentication authentication) {
    return Migrations.migrate(runtime.vertx(), settings.wallet().pg(), Migrations.WALLET)
        .compose(ignored -> KafkaClients.ensureTopics(runtime.vertx(), settings.wallet().kafka(),
            List.of(settings.wallet().operationsTopic())))
        .compose(ignored -> OperationWorker.deploy(runtime.vertx(), settings.worker(), runtime.registry(),
            Faults.NONE))
        .compose(ignored -> PaymentsProcessing.deploy(runtime.vertx(), settings.payments(), runtime.registry(),
            Faults.NONE))
        .compose(ignored -> OrdersProcessing.deploy(runtime.vertx(), settings.orders(), runtime.registry(),
            Faults.NONE))
        .compose(ignored -> WebhooksProcessing.deploy(runtime.vertx(), settings.webhooks(), runtime.registry(),
            authentication.verifier().revocations()))
        .compose(ignored -> deployHttp(runtime, settings, authentication))
        .mapEmpty();
  }

  /** The HTTP verticles; the wallet API's factory made once, so that its instances share what they must. */
  private static Future<String> deployHttp(ServiceRuntime runtime, PlatformSettings settings,
                                           Authentication authentication) {
    io.walletplatform.common.ops.ApiModule.Factory wallet = WalletApi.factory(settings.wallet(), runtime.registry());
    return runtime.vertx().deployVerticle(
        () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication, List.of(
            wallet,
            PaymentsApi.factory(settings.payments()),
            OrdersApi.factory(settings.orders()),
            WebhooksApi.factory(settings.webhooks())),
            WebUi.addTo()),
        new DeploymentOptions().setInstances(settings.wallet().httpInstances()));
  }
}
