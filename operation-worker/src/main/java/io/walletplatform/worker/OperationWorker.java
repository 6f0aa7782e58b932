package io.walletplatform.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.outbox.OutboxRelayVerticle;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.worker.kafka.HoldExpiryVerticle;
import io.walletplatform.worker.kafka.TransactionCoordinatorVerticle;
import io.walletplatform.worker.kafka.OperationConsumerVerticle;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Deploys the worker's consumers, each a verticle instance with its own context. */
public final class OperationWorker {

  private OperationWorker() {
  }

  /**
   * Makes sure the topics exist and has read who listens to which events (the webhooks service's
   * interest topic), then deploys the consumers,
   * the wallet outbox's relay (the platform events) and the hold expiry scan; the future holds
   * the deployment id (undeploying it stops them all).
   * Production passes {@link Faults#NONE}.
   */
  public static Future<String> deploy(Vertx vertx, OperationWorkerSettings settings, MeterRegistry registry,
                                      Faults faults) {
    return KafkaClients.ensureTopics(vertx, settings.kafka(), List.of(settings.operationsTopic(), settings.deadLetterTopic(),
            settings.events().topic()))
        .compose(ignored -> WebhookInterest.start(vertx, settings.kafka(), settings.events().interestTopic()))
        .compose(interest -> vertx.deployVerticle(new VerticleBase() {
          // Deployed from here, the consumers, the relay and the scan are this deployment's children:
          // undeploying it stops them all.
          @Override
          public Future<?> start() {
            AtomicInteger index = new AtomicInteger();
            return vertx.deployVerticle(
                    () -> new OperationConsumerVerticle(settings, registry, faults, index.getAndIncrement(), interest),
                    new DeploymentOptions().setInstances(settings.consumers()))
                .compose(consumers -> vertx.deployVerticle(new OutboxRelayVerticle(settings.relay(), registry, faults)))
                .compose(relay -> vertx.deployVerticle(new HoldExpiryVerticle(settings, registry)))
                .compose(expiry -> vertx.deployVerticle(new TransactionCoordinatorVerticle(settings, registry, faults, interest)));
          }
        }));
  }
}
