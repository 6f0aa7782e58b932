package io.walletplatform.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.Faults;
import io.walletplatform.worker.kafka.OperationConsumerVerticle;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Deploys the worker's consumers, each a verticle instance with its own context. */
public final class OperationWorker {

  private OperationWorker() {
  }

  /**
   * Makes sure the topics exist, then deploys the consumers; the future holds the deployment id.
   * Production passes {@link Faults#NONE}.
   */
  public static Future<String> deploy(Vertx vertx, OperationWorkerSettings settings, MeterRegistry registry,
                                      Faults faults) {
    AtomicInteger index = new AtomicInteger();
    return KafkaClients.ensureTopics(vertx, settings.kafka(), List.of(settings.operationsTopic(), settings.deadLetterTopic()))
        .compose(ignored -> vertx.deployVerticle(
            () -> new OperationConsumerVerticle(settings, registry, faults, index.getAndIncrement()),
            new DeploymentOptions().setInstances(settings.consumers())));
  }
}
