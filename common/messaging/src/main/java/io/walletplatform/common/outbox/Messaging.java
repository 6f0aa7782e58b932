package io.walletplatform.common.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.inbox.InboxConsumerVerticle;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;

import java.util.List;
import java.util.function.Supplier;

/** Deploys a service's messaging: its outbox relay and its inbox consumers. */
public final class Messaging {

  /** Deployment ids, so that a test can stop the relay alone. */
  public record Deployments(String relay, String consumers) {
  }

  private Messaging() {
  }

  /** Creates the topics the service consumes, dead-letters to and publishes to, then deploys. */
  public static Future<Deployments> deploy(Vertx vertx, MeterRegistry registry, KafkaSettings kafka,
                                           OutboxRelaySettings relay, Faults faults, InboxConsumerSettings inbox,
                                           List<String> publishedTopics, String consumerName,
                                           Supplier<InboxHandler> handlers) {
    List<String> topics = new java.util.ArrayList<>(publishedTopics);
    topics.add(inbox.topic());
    topics.add(DeadLetters.topicFor(inbox.topic()));
    return KafkaClients.ensureTopics(vertx, kafka, topics)
        .compose(ignored -> vertx.deployVerticle(() -> new OutboxRelayVerticle(relay, registry, faults),
            new DeploymentOptions()))
        .compose(relayId -> vertx.deployVerticle(
                () -> new InboxConsumerVerticle(inbox, registry, consumerName, handlers.get()),
                new DeploymentOptions().setInstances(inbox.consumers()))
            .map(consumersId -> new Deployments(relayId, consumersId)));
  }
}
