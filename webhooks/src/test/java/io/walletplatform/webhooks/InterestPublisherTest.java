package io.walletplatform.webhooks;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Revocations;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.webhooks.domain.Signature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who listens, as a process that records events learns it: from the compacted interest topic the
 * webhooks service publishes, never from the webhooks database. The reader here runs in a Vert.x
 * instance of its own (another process's), on real PostgreSQL and a real broker.
 */
class InterestPublisherTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static Vertx service;
  private static Vertx recorder;
  private static Pool db;
  private static WebhooksSettings settings;
  private static WebhookInterest interest;

  @BeforeAll
  static void start() {
    ServiceRuntime runtime = ServiceRuntime.create();
    service = runtime.vertx();
    Config config = IsolatedConfig.create("interest").with("WEBHOOKS_INTEREST_RECHECK_MS", "300");
    settings = WebhooksSettings.from(config);
    Await.result(WebhooksProcessing.deploy(service, settings, runtime.registry(), new Revocations()), SETTLE);
    db = PgPools.create(service, settings.pg(), "interest-test");
    recorder = Vertx.vertx();
    interest = Await.result(WebhookInterest.start(recorder, settings.kafka(), settings.events().interestTopic()), SETTLE);
    assertTrue(interest.loaded(), "the reader caught up with the topic before its start completed");
  }

  @AfterAll
  static void stop() {
    Await.result(recorder.close());
    Await.result(service.close());
  }

  private static UUID subscribe(String principal, String... eventTypes) {
    UUID webhookId = UUID.randomUUID();
    Await.result(db.preparedQuery("""
        INSERT INTO webhook_subscriptions (webhook_id, principal, url, event_types, secret)
        VALUES ($1, $2, 'https://receiver.example/hook', $3, $4)""")
        .execute(Tuple.of(webhookId, principal, eventTypes, Signature.newSecret())));
    return webhookId;
  }

  @Test
  void aSubscriptionIsLearnedFromTheTopicAndItsEndToo() {
    String alice = "alice-" + UUID.randomUUID();
    UUID first = subscribe(alice, "order.finished", "operation.completed");
    UUID second = subscribe(alice, "order.failed");
    Await.until("the recorder learns alice's three event types", SETTLE,
        () -> interest.wants(alice, "order.finished") && interest.wants(alice, "order.failed"));
    assertTrue(interest.wants(alice, "operation.completed"));
    assertFalse(interest.wants(alice, "order.refunded"), "a type none of her webhooks listens to");
    assertFalse(interest.wants("someone-else-" + UUID.randomUUID(), "order.finished"));

    // Disabled: its types no longer count; deleted: nobody listens, and the topic says so (no value).
    Await.result(db.preparedQuery("UPDATE webhook_subscriptions SET disabled_at = now(), disabled_reason = 'test' "
        + "WHERE webhook_id = $1").execute(Tuple.of(second)));
    Await.until("order.failed is forgotten", SETTLE, () -> !interest.wants(alice, "order.failed"));
    assertTrue(interest.wants(alice, "order.finished"));
    Await.result(db.preparedQuery("UPDATE webhook_subscriptions SET deleted_at = now() WHERE webhook_id = $1")
        .execute(Tuple.of(first)));
    Await.until("alice is forgotten", SETTLE, () -> !interest.snapshot().containsKey(alice));
    assertFalse(interest.wants(alice, "order.finished"));

    // A reader started now (a recorder's restart) reads the same state from the topic's beginning.
    String bob = "bob-" + UUID.randomUUID();
    subscribe(bob, "wallet.monitor.triggered");
    Await.until("bob is published", SETTLE, () -> interest.wants(bob, "wallet.monitor.triggered"));
    Vertx restarted = Vertx.vertx();
    try {
      WebhookInterest fresh = Await.result(WebhookInterest.start(restarted, settings.kafka(),
          settings.events().interestTopic()), SETTLE);
      assertTrue(fresh.loaded());
      assertEquals(Set.of("wallet.monitor.triggered"), fresh.snapshot().get(bob));
      assertFalse(fresh.snapshot().containsKey(alice), "a principal without a value (a tombstone) is nobody");
      assertFalse(fresh.wants(alice, "order.finished"));
    } finally {
      Await.result(restarted.close());
    }
  }

  @Test
  void anUnreadableOrStaleValueRecordsEverythingUntilTheNextRecheckReplacesIt() {
    String carol = "carol-" + UUID.randomUUID();
    String dave = "dave-" + UUID.randomUUID();
    subscribe(dave, "order.finished");
    Await.until("dave is published", SETTLE, () -> interest.wants(dave, "order.finished"));
    KafkaProducer<String, String> producer = KafkaProducer.create(recorder,
        KafkaClients.producerConfig(settings.kafka(), "interest-test"));
    try {
      String topic = settings.events().interestTopic();
      long unreadable = interest.unreadable();
      long read = interest.records();
      // Garbage for carol (no webhooks); a stale value for dave, as another instance could have written it.
      Await.result(producer.send(KafkaProducerRecord.create(topic, carol, "{not json")));
      Await.result(producer.send(KafkaProducerRecord.create(topic, dave, WebhookInterest.encode(Set.of("order.failed")))));
      // Counted, not looked at: the recheck (every 300 ms here) may replace both before a look would see them.
      Await.until("the reader has read both", SETTLE, () -> interest.unreadable() > unreadable
          && interest.records() >= read + 2);
      // The recheck puts the subscriptions' truth back.
      Await.until("the recheck restores the subscriptions' state", SETTLE,
          () -> !interest.snapshot().containsKey(carol) && interest.wants(dave, "order.finished")
              && !interest.wants(dave, "order.failed"));
      Map<String, Set<String>> snapshot = interest.snapshot();
      assertEquals(Set.of("order.finished"), snapshot.get(dave));
    } finally {
      Await.result(producer.close());
    }
  }

  /**
   * A topic created a moment ago may not be in the broker's metadata yet: a reader that then assigned
   * itself no partition read nothing for ever, and its process recorded every event (found by the A/B
   * of 2026-12-06: half the rounds at 2.5x the CPU). Here the topic does not exist at all when the
   * reader starts; it is created (and written) a second later.
   */
  @Test
  void aReaderStartedBeforeItsTopicExistsReadsItOnceItDoes() {
    String topic = settings.events().interestTopic() + ".later-" + UUID.randomUUID();
    KafkaProducer<String, String> producer = KafkaProducer.create(recorder,
        KafkaClients.producerConfig(settings.kafka(), "interest-test-3"));
    Vertx other = Vertx.vertx();
    try {
      WebhookInterest early = Await.result(WebhookInterest.follow(other, settings.kafka(), topic), SETTLE);
      assertFalse(early.loaded());
      assertTrue(early.wants("grace", "order.finished"), "until it has read its topic, everything is recorded");
      Await.result(recorder.timer(1_000));
      Await.result(KafkaClients.ensureCompactedTopic(recorder, settings.kafka(), topic));
      Await.result(producer.send(KafkaProducerRecord.create(topic, "grace",
          WebhookInterest.encode(Set.of("order.finished")))));
      Await.until("the reader found its topic", SETTLE, early::loaded);
      Await.until("and reads what is published there", SETTLE, () -> early.records() == 1);
      assertTrue(early.wants("grace", "order.finished"));
      assertFalse(early.wants("grace", "order.failed"));
      assertFalse(early.wants("heidi", "order.finished"));
    } finally {
      Await.result(producer.close());
      Await.result(other.close());
    }
  }

  @Test
  void anUnreadableValueMeansEveryEventIsRecordedForItsPrincipal() {
    String erin = "erin-" + UUID.randomUUID();
    KafkaProducer<String, String> producer = KafkaProducer.create(recorder,
        KafkaClients.producerConfig(settings.kafka(), "interest-test-2"));
    Vertx other = Vertx.vertx();
    try {
      // Read by a reader whose publisher is not running (an isolated topic): the value stays.
      String topic = settings.events().interestTopic() + ".alone";
      Await.result(KafkaClients.ensureCompactedTopic(recorder, settings.kafka(), topic));
      Await.result(producer.send(KafkaProducerRecord.create(topic, erin, "{\"eventTypes\": [1]}")));
      WebhookInterest alone = Await.result(WebhookInterest.start(other, settings.kafka(), topic), SETTLE);
      assertTrue(alone.wants(erin, "order.finished"));
      assertTrue(alone.wants(erin, "anything.at.all"));
      assertFalse(alone.wants("frank", "order.finished"));
      assertFalse(alone.wants(null, "order.finished"));
    } finally {
      Await.result(producer.close());
      Await.result(other.close());
    }
  }
}
