package io.walletplatform.payments;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.inbox.InboxConsumerVerticle;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.migrations.Migrations;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared inbox consumer's failure policy on real Kafka and PostgreSQL: what can never be
 * processed is dead-lettered (at once, or after bounded attempts) without blocking the keys behind
 * it; what may pass is retried past that bound until it does; duplicates are absorbed.
 */
@ExtendWith(VertxExtension.class)
class InboxConsumerTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static Vertx vertx;
  private static InboxConsumerSettings settings;
  private static final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private static KafkaProducer<String, String> producer;
  private static Pool pool;
  private static final AtomicInteger handlerCalls = new AtomicInteger();
  private static final AtomicInteger transientFailuresLeft = new AtomicInteger(6);
  private static final AtomicInteger bugFailuresLeft = new AtomicInteger(5);
  private static final List<KafkaConsumerRecord<String, String>> deadLetters = new CopyOnWriteArrayList<>();

  /**
   * Fails by the record's value: "permanent" always with a data error (the only kind that is never
   * retried for ever), "transient" six times with a connection error, "bug" five times with an error
   * that is neither (retried until it passes, like any failure that is not a data error), else succeeds.
   */
  private static final InboxHandler HANDLER = (tx, record, traceparent) -> {
    handlerCalls.incrementAndGet();
    String value = new String(record.value(), StandardCharsets.UTF_8);
    if (value.equals("permanent")) {
      return Future.failedFuture(new PgException("this record always fails", "ERROR", "22023", "simulated"));
    }
    if (value.equals("bug") && bugFailuresLeft.getAndDecrement() > 0) {
      return Future.failedFuture(new IllegalStateException("not a data error"));
    }
    if (value.equals("transient") && transientFailuresLeft.getAndDecrement() > 0) {
      return Future.failedFuture(new PgException("connection lost", "FATAL", "08006", "simulated"));
    }
    return tx.preparedQuery("INSERT INTO inbox_test_handled (value) VALUES ($1)").execute(Tuple.of(value)).mapEmpty();
  };

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    PaymentsSettings payments = PaymentsSettings.from(IsolatedConfig.create("inbox")
        .with("INBOX_MAX_ATTEMPTS", "3").with("INBOX_MAX_BACKOFF_MS", "100"));
    settings = new InboxConsumerSettings(payments.pg(), payments.kafka(), "inbox.test." + UUID.randomUUID(),
        "inbox-test", 1, 3, 3, Duration.ofMillis(20), Duration.ofMillis(100), 100, Duration.ofMillis(20));
    Await.result(Migrations.migrate(vertx, settings.pg(), Migrations.PAYMENTS));
    pool = PgPools.create(vertx, settings.pg(), "inbox-test-reader");
    Await.result(pool.query("CREATE TABLE inbox_test_handled (value text NOT NULL, handled_at timestamptz NOT NULL DEFAULT clock_timestamp())").execute());
    Await.result(KafkaClients.ensureTopics(vertx, settings.kafka(), List.of(settings.topic(), DeadLetters.topicFor(settings.topic()))));
    producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(settings.kafka(), "inbox-test"));
    KafkaConsumer<String, String> dlt = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", settings.kafka().bootstrapServers(), "group.id", "dlt-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    dlt.handler(deadLetters::add);
    Await.result(dlt.subscribe(DeadLetters.topicFor(settings.topic())));
    Await.result(vertx.deployVerticle(new InboxConsumerVerticle(settings, registry, "inbox-test", HANDLER)));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static void send(String key, String value, UUID eventId) {
    KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(settings.topic(), key, value);
    if (eventId != null) {
      record.addHeader(KafkaClients.EVENT_ID_HEADER, eventId.toString());
    }
    Await.result(producer.send(record));
  }

  /** Sends the values in order under one key; returns where each landed. */
  private static List<io.vertx.kafka.client.producer.RecordMetadata> sendAll(String key, List<String> values) {
    List<Future<io.vertx.kafka.client.producer.RecordMetadata>> sent = values.stream()
        .map(value -> producer.send(KafkaProducerRecord.create(settings.topic(), key, value)
            .addHeader(KafkaClients.EVENT_ID_HEADER, UUID.randomUUID().toString())))
        .toList();
    Await.result(Future.all(sent));
    return sent.stream().map(Future::result).toList();
  }

  /** How many committed rows each value has: 1 for a record processed exactly once. */
  private static Map<String, Long> handledCounts(Collection<String> values) {
    Map<String, Long> counts = new HashMap<>();
    for (Row row : Await.result(pool.preparedQuery(
        "SELECT value, count(*) AS n FROM inbox_test_handled WHERE value = ANY($1) GROUP BY value")
        .execute(Tuple.of(values.toArray(String[]::new))))) {
      counts.put(row.getString("value"), row.getLong("n"));
    }
    return counts;
  }

  private static boolean handledOnce(Collection<String> values) {
    Map<String, Long> counts = handledCounts(values);
    return values.stream().allMatch(value -> counts.getOrDefault(value, 0L) == 1L);
  }

  private static boolean handled(String value) {
    return handledCounts(List.of(value)).getOrDefault(value, 0L) > 0;
  }

  private static double transactions() {
    return registry.get("inbox_transactions").counter().count();
  }

  private static String header(KafkaConsumerRecord<String, String> record, String name) {
    return record.headers().stream().filter(h -> h.key().equals(name)).findFirst().orElseThrow().value().toString();
  }

  @Test
  void aRecordThatKeepsFailingIsDeadLetteredAfterBoundedAttemptsAndTheKeysBehindItGoOn() {
    String key = "key-" + UUID.randomUUID();
    send(key, "permanent", UUID.randomUUID());
    send(key, "after-permanent", UUID.randomUUID());
    send(key, "no-event-id", null);
    send(key, "after-no-event-id", UUID.randomUUID());

    Await.until("the records behind the bad ones are processed", SETTLE,
        () -> handledOnce(List.of("after-permanent", "after-no-event-id")));
    Await.until("both bad records dead-lettered", SETTLE,
        () -> deadLetters.stream().filter(r -> key.equals(r.key())).count() == 2);
    KafkaConsumerRecord<String, String> permanent = deadLetters.stream()
        .filter(r -> key.equals(r.key()) && r.value().equals("permanent")).findFirst().orElseThrow();
    assertEquals("PgException", header(permanent, KafkaClients.ERROR_CLASS_HEADER));
    assertTrue(header(permanent, KafkaClients.ERROR_HEADER).contains("always fails"));
    KafkaConsumerRecord<String, String> noId = deadLetters.stream()
        .filter(r -> key.equals(r.key()) && r.value().equals("no-event-id")).findFirst().orElseThrow();
    assertEquals("InvalidRecord", header(noId, KafkaClients.ERROR_CLASS_HEADER));
  }

  @Test
  void aFailureThatMayPassIsRetriedBeyondTheBoundUntilItDoes() {
    send("transient-key", "transient", UUID.randomUUID());
    Await.until("the transient record is processed", SETTLE, () -> handled("transient"));
    assertTrue(transientFailuresLeft.get() < 0, "it failed six times (twice the bound) before succeeding");
    assertTrue(deadLetters.stream().noneMatch(r -> "transient".equals(r.value())), "never dead-lettered");
  }

  @Test
  void aFailureThatIsNotADataErrorIsRetriedPastTheBoundInsteadOfBeingDeadLettered() {
    send("bug-key", "bug", UUID.randomUUID());
    Await.until("the record is processed once the error stops", SETTLE, () -> handled("bug"));
    assertTrue(bugFailuresLeft.get() < 0, "it failed five times (past the bound of three) before succeeding");
    assertTrue(deadLetters.stream().noneMatch(r -> "bug".equals(r.value())), "never dead-lettered");
  }

  @Test
  void aDuplicateEventIdIsAbsorbedByTheInbox() {
    UUID eventId = UUID.randomUUID();
    String value = "once-" + UUID.randomUUID();
    send("dup-key", value, eventId);
    Await.until("the first copy is processed", SETTLE, () -> handled(value));
    int callsBefore = handlerCalls.get();
    send("dup-key", value, eventId);
    send("dup-key", "marker-" + eventId, UUID.randomUUID());
    Await.until("the marker behind the duplicate is processed", SETTLE, () -> handled("marker-" + eventId));
    assertEquals(callsBefore + 1, handlerCalls.get(), "the handler ran for the marker only, not for the duplicate");
    assertEquals(1L, handledCounts(List.of(value)).get(value));
  }

  @Test
  void aBurstIsProcessedInFarFewerTransactionsThanRecords() {
    String key = "burst-" + UUID.randomUUID();
    List<String> values = java.util.stream.IntStream.range(0, 300).mapToObj(i -> key + "-" + i).toList();
    double before = transactions();
    sendAll(key, values);
    Await.until("every record of the burst is processed", SETTLE, () -> handledOnce(values));
    double used = transactions() - before;
    assertTrue(used >= 1 && used <= 60, "300 records took " + used + " transactions");
  }

  @Test
  void aBadRecordInABurstIsDeadLetteredAndTheRecordsAroundItAreProcessed() {
    String key = "bad-burst-" + UUID.randomUUID();
    List<String> before = java.util.stream.IntStream.range(0, 40).mapToObj(i -> key + "-a" + i).toList();
    List<String> after = java.util.stream.IntStream.range(0, 40).mapToObj(i -> key + "-b" + i).toList();
    List<String> values = new java.util.ArrayList<>(before);
    values.add("permanent");
    values.addAll(after);
    sendAll(key, values);
    Await.until("the records around the bad one are processed", SETTLE,
        () -> handledOnce(before) && handledOnce(after));
    Await.until("the bad record is dead-lettered", SETTLE,
        () -> deadLetters.stream().anyMatch(r -> key.equals(r.key()) && "permanent".equals(r.value())));
    assertEquals(1, deadLetters.stream().filter(r -> key.equals(r.key())).count(), "only the bad record");
  }

  @Test
  void aRecordTheDeadLetterTopicKeepsRefusingIsQuarantinedAndOnlyThenDoTheRecordsBehindItGoOn() throws Exception {
    String key = "dlt-down-" + UUID.randomUUID();
    List<String> after = java.util.stream.IntStream.range(0, 20).mapToObj(i -> key + "-after" + i).toList();
    List<String> values = new java.util.ArrayList<>(List.of(key + "-before", "permanent"));
    values.addAll(after);
    String dlt = DeadLetters.topicFor(settings.topic());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", settings.kafka().bootstrapServers()))) {
      setMaxMessageBytes(admin, dlt, "1");
      double refusedBefore = refusals();
      List<io.vertx.kafka.client.producer.RecordMetadata> sent = sendAll(key, values);
      TopicPartition partition = new TopicPartition(settings.topic(), sent.get(1).getPartition());
      long badOffset = sent.get(1).getOffset();
      long lastOffset = sent.get(sent.size() - 1).getOffset();

      Await.until("the bad record is quarantined", SETTLE, () -> quarantined(partition.partition(), badOffset) != null);
      Row row = quarantined(partition.partition(), badOffset);
      assertTrue(refusals() >= refusedBefore + 3, "quarantined only after the bounded dead-letter attempts");
      assertEquals("permanent", new String(row.getBuffer("record_value").getBytes(), StandardCharsets.UTF_8));
      assertEquals(key, row.getString("record_key"));
      assertEquals("PgException", row.getString("error_class"));
      assertTrue(row.getString("error").contains("always fails"), row.getString("error"));
      assertTrue(row.getJsonArray("headers").encode().contains(KafkaClients.EVENT_ID_HEADER), "the headers are kept");

      Await.until("the records behind the bad one are processed once", SETTLE, () -> handledOnce(after));
      java.time.OffsetDateTime firstAfter = Await.result(pool.preparedQuery(
              "SELECT min(handled_at) FROM inbox_test_handled WHERE value = ANY($1)")
          .execute(Tuple.of((Object) after.toArray(String[]::new)))).iterator().next().getOffsetDateTime(0);
      assertTrue(!firstAfter.isBefore(row.getOffsetDateTime("quarantined_at")),
          "nothing behind the bad record was processed before it was quarantined");
      Await.until("offsets move past every record", SETTLE,
          () -> committedOffsets(admin).getOrDefault(partition, 0L) >= lastOffset + 1);
      assertTrue(deadLetters.stream().noneMatch(r -> key.equals(r.key())), "the refused record is not in the topic");
    } finally {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", settings.kafka().bootstrapServers()))) {
        setMaxMessageBytes(admin, dlt, "1048588");
      }
    }
  }

  private static double refusals() {
    return registry.get("consumer_dead_letter_failures").tag("consumer", "inbox-test").counter().count();
  }

  private static Row quarantined(int partition, long offset) {
    var rows = Await.result(pool.preparedQuery(
            "SELECT * FROM quarantined_records WHERE topic = $1 AND kafka_partition = $2 AND kafka_offset = $3")
        .execute(Tuple.of(settings.topic(), partition, offset)));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static void setMaxMessageBytes(Admin admin, String topic, String bytes) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
        new ConfigEntry("max.message.bytes", bytes), AlterConfigOp.OpType.SET)))).all().get();
  }

  private static Map<TopicPartition, Long> committedOffsets(Admin admin) {
    try {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(settings.groupId()).partitionsToOffsetAndMetadata().get();
      committed.forEach((partition, offset) -> offsets.put(partition, offset == null ? 0 : offset.offset()));
      return offsets;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
