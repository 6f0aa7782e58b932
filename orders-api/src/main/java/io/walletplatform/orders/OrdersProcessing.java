package io.walletplatform.orders;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.outbox.Messaging;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.orders.db.OrderRepository;
import io.walletplatform.orders.domain.PaymentResultApplier;
import io.walletplatform.orders.reconcile.OrderReconcilerVerticle;

import java.util.List;

/** Migrates the orders database and deploys its outbox relay, its payment-result consumers and its reconciler. */
public final class OrdersProcessing {

  private OrdersProcessing() {
  }

  public static Future<Messaging.Deployments> deploy(Vertx vertx, OrdersSettings settings, MeterRegistry registry,
                                                     Faults faults) {
    return Migrations.migrate(vertx, settings.pg(), Migrations.ORDERS)
        .compose(ignored -> WebhookInterest.start(vertx, settings.kafka(), settings.events().interestTopic()))
        .compose(interest -> Messaging.deploy(vertx, registry, settings.kafka(), settings.relay(), faults, settings.inbox(),
            List.of(settings.requestsTopic(), settings.events().topic()), "orders-results",
            () -> new PaymentResultApplier(new OrderRepository(), interest, settings.events().topic())))
        .compose(deployments -> vertx.deployVerticle(new OrderReconcilerVerticle(settings.reconciler(), registry))
            .map(deployments));
  }
}
