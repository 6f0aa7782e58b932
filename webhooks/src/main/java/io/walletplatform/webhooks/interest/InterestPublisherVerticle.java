package io.walletplatform.webhooks.interest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.util.SingleFlight;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.webhooks.db.WebhookRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Publishes who listens to which event types to the interest topic, so that the processes that record
 * events (the worker, orders, payments) never open the webhooks database: the subscriptions are this
 * service's alone. A pass reads every principal's event types from the live webhooks and publishes the
 * principals whose value differs from the last one published (no value: nobody listens any more).
 *
 * <p>A pass runs at the start, whenever a subscription changes (the trigger of
 * {@code webhook_subscriptions} NOTIFYs at commit) and every {@code recheck}; the periodic pass
 * compares with the topic as read back rather than with what this process sent, so a value written by
 * another instance from an older reading, a lost send, or an unreadable record is replaced within one
 * period. Sends are idempotent: the same principal's same types twice is one value in a compacted topic.
 */
public final class InterestPublisherVerticle extends VerticleBase {

  /** The channel the subscriptions' trigger notifies (migration 001 of the webhooks database). */
  static final String CHANNEL = "webhook_subscriptions";

  private static final Logger log = LoggerFactory.getLogger(InterestPublisherVerticle.class);

  private final PgSettings pg;
  private final KafkaSettings kafka;
  private final String topic;
  private final long recheckMs;
  private final WebhookRepository repository = new WebhookRepository();
  private Pool pool;
  private PgSubscriber subscriber;
  private KafkaProducer<String, String> producer;
  private WebhookInterest interest;
  private SingleFlight flight;
  /** What this process last published (or read back) for each principal. */
  private Map<String, Set<String>> published = Map.of();
  private boolean recheck = true;

  public InterestPublisherVerticle(PgSettings pg, KafkaSettings kafka, String topic, java.time.Duration recheck) {
    this.pg = pg;
    this.kafka = kafka;
    this.topic = topic;
    this.recheckMs = recheck.toMillis();
  }

  @Override
  public Future<?> start() {
    pool = PgPools.create(vertx, pg.withPoolSize(1), "webhook-interest");
    producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(kafka, "webhook-interest"));
    flight = new SingleFlight(this::pass);
    return WebhookInterest.start(vertx, kafka, topic).compose(reader -> {
      interest = reader;
      subscriber = PgSubscriber.subscriber(vertx, PgPools.connectOptions(pg)).reconnectPolicy(attempt -> 1_000L);
      subscriber.channel(CHANNEL).handler(payload -> flight.wake()).subscribeHandler(ignored -> flight.wake());
      subscriber.connect().onFailure(error -> log.warn("webhook interest could not LISTEN, publishing every {} ms: {}",
          recheckMs, error.getMessage()));
      vertx.setPeriodic(recheckMs, id -> {
        recheck = true;
        flight.wake();
      });
      flight.wake();
      return Future.succeededFuture();
    });
  }

  private Future<Boolean> pass() {
    if (recheck && interest.loaded()) {
      published = interest.snapshot();
      recheck = false;
    }
    return repository.interest(pool).compose(wanted -> {
      Set<String> principals = new HashSet<>(wanted.keySet());
      principals.addAll(published.keySet());
      List<Future<?>> sends = new ArrayList<>();
      Map<String, Set<String>> sent = new HashMap<>(published);
      for (String principal : principals) {
        Set<String> types = wanted.get(principal);
        if (Objects.equals(types, published.get(principal))) {
          continue;
        }
        String value = types == null ? null : WebhookInterest.encode(types);
        sends.add(producer.send(KafkaProducerRecord.create(topic, principal, value)).onSuccess(ignored -> {
          if (types == null) {
            sent.remove(principal);
          } else {
            sent.put(principal, types);
          }
        }));
      }
      return Future.join(sends).onComplete(ignored -> published = Map.copyOf(sent));
    }).onFailure(error -> {
      log.warn("webhook interest not published, retrying within {} ms: {}", recheckMs, error.toString());
      recheck = true;
    }).map(false);
  }

  @Override
  public Future<?> stop() {
    return flight.stop().eventually(() -> Future.join(subscriber == null ? Future.succeededFuture() : subscriber.close(),
        producer.close(), pool.close()));
  }
}
