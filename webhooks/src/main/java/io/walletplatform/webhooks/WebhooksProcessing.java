package io.walletplatform.webhooks;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.auth.Revocations;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.webhooks.dispatch.DispatcherVerticle;
import io.walletplatform.webhooks.dispatch.EventConsumerVerticle;
import io.walletplatform.webhooks.interest.InterestPublisherVerticle;

import java.util.List;

/**
 * Migrates the webhooks database and deploys the consumer of {@code platform.events} (events to
 * deliveries), the dispatcher (deliveries to receivers) and the publisher of who listens (the
 * interest topic the recorders of events read; no other service opens this database).
 */
public final class WebhooksProcessing {

  private WebhooksProcessing() {
  }

  /** @param revocations the clients revoked at the issuer: their webhooks are deleted and never sent for */
  public static Future<Void> deploy(Vertx vertx, WebhooksSettings settings, MeterRegistry registry, Revocations revocations) {
    return Migrations.migrate(vertx, settings.pg(), Migrations.WEBHOOKS)
        .compose(ignored -> KafkaClients.ensureTopics(vertx, settings.kafka(),
            List.of(settings.events().topic(), DeadLetters.topicFor(settings.events().topic()))))
        .compose(ignored -> vertx.deployVerticle(() -> new EventConsumerVerticle(settings.inbox(), registry),
            new DeploymentOptions().setInstances(settings.inbox().consumers())))
        .compose(consumers -> vertx.deployVerticle(new DispatcherVerticle(settings, registry, revocations)))
        .compose(dispatcher -> vertx.deployVerticle(new InterestPublisherVerticle(settings.pg(), settings.kafka(),
            settings.events().interestTopic(), settings.interestRecheck())))
        .mapEmpty();
  }
}
