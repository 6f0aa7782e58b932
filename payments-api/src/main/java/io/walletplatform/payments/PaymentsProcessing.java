package io.walletplatform.payments;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.outbox.Messaging;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.payments.db.AccountRepository;
import io.walletplatform.payments.domain.PaymentProcessor;

import java.util.List;

/** Migrates the payments database and deploys its outbox relay and its payment-request consumers. */
public final class PaymentsProcessing {

  private PaymentsProcessing() {
  }

  public static Future<Messaging.Deployments> deploy(Vertx vertx, PaymentsSettings settings, MeterRegistry registry,
                                                     Faults faults) {
    return Migrations.migrate(vertx, settings.pg(), Migrations.PAYMENTS)
        .compose(ignored -> WebhookInterest.start(vertx, settings.kafka(), settings.events().interestTopic()))
        .compose(interest -> Messaging.deploy(vertx, registry, settings.kafka(), settings.relay(), faults, settings.inbox(),
            List.of(settings.resultsTopic(), settings.events().topic()), "payments-requests",
            () -> new PaymentProcessor(new AccountRepository(), settings.resultsTopic(), interest,
                settings.events().topic())));
  }
}
