package io.walletplatform.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.common.faults.Faults;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One consumer owning every partition, so that all wallets share it, and PostgreSQL made to fail
 * for real by a trigger: a record that can never be applied is isolated to its wallet and
 * dead-lettered after bounded attempts while the other wallets go on; an outage that may pass is
 * retried until it does, with the consumer paused but still polling, so its group never evicts it.
 */
class WorkerFaultIsolationTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);
  /** The trigger rejects this amount as bad data (SQLSTATE 22023): it can never be applied. */
  private static final long POISON_AMOUNT_MINOR = 424_242;

  private static Vertx vertx;
  private static OperationWorkerSettings settings;
  private static Pool pool;
  private static KafkaProducer<String, String> producer;
  private static final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    settings = OperationWorkerSettings.from(IsolatedConfig.create("isolation")
        .with("WORKER_CONSUMERS", "1")
        .with("WORKER_MAX_ATTEMPTS", "4")
        .with("WORKER_MAX_BUFFERED_RECORDS", "20")
        .with("WORKER_MAX_RETRY_BACKOFF_MS", "200")
        .with("KAFKA_MAX_POLL_INTERVAL_MS", "3000"));
    Await.result(Migrations.migrate(vertx, settings.pg(), Migrations.WALLET));
    pool = PgPools.create(vertx, settings.pg(), "isolation-test");
    Await.result(pool.query("""
        CREATE TABLE test_outage (down boolean NOT NULL);
        INSERT INTO test_outage VALUES (false);
        CREATE FUNCTION test_faults() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.amount_minor = %d AND NEW.failure_reason IS DISTINCT FROM 'PROCESSING_FAILED' THEN
            RAISE EXCEPTION 'poison operation %%', NEW.operation_id USING ERRCODE = '22023';
          END IF;
          IF (SELECT down FROM test_outage) THEN
            RAISE EXCEPTION 'simulated outage' USING ERRCODE = '53000';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER test_faults BEFORE INSERT ON wallet_operations FOR EACH ROW EXECUTE FUNCTION test_faults();
        """.formatted(POISON_AMOUNT_MINOR)).execute());
    producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(settings.kafka(), "isolation-test"));
    Await.result(OperationWorker.deploy(vertx, settings, registry, Faults.NONE));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static UUID createWallet(long balanceMinor) {
    UUID walletId = UUID.randomUUID();
    Await.result(pool.preparedQuery("INSERT INTO wallets (wallet_id, balance_minor) VALUES ($1, $2)")
        .execute(Tuple.of(walletId, balanceMinor)));
    return walletId;
  }

  private static WalletOperationEvent event(UUID walletId, OperationType type, long amountMinor) {
    return new WalletOperationEvent(UUID.randomUUID(), walletId, type, Money.ofMinor(amountMinor), Timestamps.now(),
        "worker-test");
  }

  private static void produce(WalletOperationEvent... events) {
    for (WalletOperationEvent event : events) {
      produceRaw(event.walletId().toString(), event.encode());
    }
  }

  private static void produceRaw(String key, String value) {
    Await.result(producer.send(KafkaProducerRecord.create(settings.operationsTopic(), key, value)
        .addHeader(KafkaClients.EVENT_TYPE_HEADER, WalletOperationEvent.EVENT_TYPE)));
  }

  private static List<Row> operations(UUID walletId) {
    List<Row> rows = new ArrayList<>();
    Await.result(pool.preparedQuery("SELECT * FROM wallet_operations WHERE wallet_id = $1 ORDER BY id")
        .execute(Tuple.of(walletId))).forEach(rows::add);
    return rows;
  }

  private static long balance(UUID walletId) {
    return Await.result(pool.preparedQuery("SELECT balance_minor FROM wallets WHERE wallet_id = $1")
        .execute(Tuple.of(walletId))).iterator().next().getLong(0);
  }

  private static List<ConsumerRecord<String, String>> deadLetters(String key) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(settings.deadLetterTopic()));
      List<ConsumerRecord<String, String>> found = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 5_000;
      while (System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(record -> {
          if (key.equals(record.key())) {
            found.add(record);
          }
        });
        if (!found.isEmpty() && consumer.assignment().stream()
            .allMatch(p -> consumer.position(p) >= consumer.endOffsets(Set.of(p)).get(p))) {
          break;
        }
      }
      return found;
    }
  }

  @Test
  void aRecordThatCanNeverBeAppliedEndsFailedAndDeadLetteredAfterBoundedAttemptsWithoutHoldingBackOtherWallets() {
    UUID poisoned = createWallet(10_000);
    List<UUID> others = List.of(createWallet(0), createWallet(0), createWallet(0));
    WalletOperationEvent before = event(poisoned, OperationType.DEPOSIT, 100);
    WalletOperationEvent poison = event(poisoned, OperationType.DEPOSIT, POISON_AMOUNT_MINOR);
    WalletOperationEvent after = event(poisoned, OperationType.WITHDRAW, 300);
    produce(before, poison, after);
    for (UUID other : others) {
      produce(event(other, OperationType.DEPOSIT, 500), event(other, OperationType.DEPOSIT, 250));
    }

    for (UUID other : others) {
      Await.until("the other wallet " + other + " is applied", SETTLE, () -> operations(other).size() == 2);
      assertEquals(750, balance(other));
    }
    Await.until("the poisoned wallet's operations all have an outcome", SETTLE,
        () -> operations(poisoned).size() == 3);
    List<Row> applied = operations(poisoned);
    assertEquals(List.of(before.operationId(), poison.operationId(), after.operationId()),
        applied.stream().map(row -> row.getUUID("operation_id")).toList(), "in Kafka order");
    assertEquals(List.of("COMPLETED", "FAILED", "COMPLETED"), applied.stream().map(row -> row.getString("status")).toList());
    assertEquals("PROCESSING_FAILED", applied.get(1).getString("failure_reason"));
    assertEquals(null, applied.get(1).getValue("balance_after_minor"), "nothing moved");
    assertEquals(10_000 + 100 - 300, balance(poisoned));

    List<ConsumerRecord<String, String>> dead = deadLetters(poisoned.toString());
    assertEquals(1, dead.size(), "the poison alone is dead-lettered");
    assertTrue(dead.get(0).value().contains(poison.operationId().toString()));
    String error = new String(dead.get(0).headers().lastHeader(KafkaClients.ERROR_HEADER).value());
    assertTrue(error.contains("poison operation"), error);
    Instant deadLetteredAt = Instant.ofEpochMilli(dead.get(0).timestamp());
    Instant failedAt = applied.get(1).getOffsetDateTime("processed_at").toInstant();
    assertTrue(failedAt.isAfter(applied.get(0).getOffsetDateTime("processed_at").toInstant().plusMillis(100)),
        "the attempts were spread by a backoff, not made on consecutive batches: " + failedAt);
    for (UUID other : others) {
      Instant processedAt = operations(other).get(1).getOffsetDateTime("processed_at").toInstant();
      assertTrue(processedAt.isBefore(deadLetteredAt),
          "the other wallets did not wait for the poison's attempts: " + processedAt + " vs " + deadLetteredAt);
    }
  }

  @Test
  void aDepositBeyondWhatABalanceHoldsFailsWithBalanceLimitAndTheWalletGoesOn() {
    UUID walletId = createWallet(Long.MAX_VALUE - 1_000);
    WalletOperationEvent overflow = event(walletId, OperationType.DEPOSIT, 5_000);
    WalletOperationEvent withdrawal = event(walletId, OperationType.WITHDRAW, 1_000);
    produce(overflow, withdrawal);
    Await.until("both operations are final", SETTLE, () -> operations(walletId).size() == 2);
    List<Row> rows = operations(walletId);
    assertEquals("FAILED", rows.get(0).getString("status"));
    assertEquals("BALANCE_LIMIT", rows.get(0).getString("failure_reason"));
    assertEquals(Long.MAX_VALUE - 1_000, rows.get(0).getLong("balance_after_minor"));
    assertEquals("COMPLETED", rows.get(1).getString("status"));
    assertEquals(Long.MAX_VALUE - 2_000, balance(walletId));
  }

  @Test
  void aTimestampPostgresqlCannotStoreIsDeadLetteredAtDecodeAndThePartitionGoesOn() {
    UUID walletId = createWallet(0);
    String bad = event(walletId, OperationType.DEPOSIT, 100).encode()
        .replaceAll("\"acceptedAt\":\"[^\"]+\"", "\"acceptedAt\":\"-5000-01-01T00:00:00Z\"");
    assertTrue(Instant.parse("-5000-01-01T00:00:00Z").getEpochSecond() < 0, "Instant.parse accepts it");
    produceRaw(walletId.toString(), bad);
    WalletOperationEvent good = event(walletId, OperationType.DEPOSIT, 200);
    produce(good);
    Await.until("the record behind it is applied", SETTLE, () -> operations(walletId).size() == 1);
    assertEquals(200, balance(walletId));
    List<ConsumerRecord<String, String>> dead = deadLetters(walletId.toString());
    assertEquals(1, dead.size());
    String error = new String(dead.get(0).headers().lastHeader(KafkaClients.ERROR_HEADER).value());
    assertTrue(error.contains("acceptedAt"), error);
  }

  @Test
  void anOutageLongerThanTheMaxPollIntervalIsWaitedOutWithoutSkippingOrLosingGroupMembership() throws Exception {
    UUID walletId = createWallet(0);
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", settings.kafka().bootstrapServers()))) {
      Await.until("the consumer has joined its group", SETTLE, () -> !members(admin).isEmpty());
      Set<String> membersBefore = members(admin);
      Await.result(pool.query("UPDATE test_outage SET down = true").execute());
      long outageStart = System.nanoTime();
      double failuresBefore = registry.get("worker_batch_failures").counter().count();
      List<WalletOperationEvent> events = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        events.add(event(walletId, OperationType.DEPOSIT, 1));
      }
      produce(events.toArray(WalletOperationEvent[]::new));
      // KAFKA_MAX_POLL_INTERVAL_MS is 3 s: a consumer that stopped polling would be evicted well within this.
      Await.until("PostgreSQL refused retried batches for over twice max.poll.interval.ms", SETTLE,
          () -> registry.get("worker_batch_failures").counter().count() >= failuresBefore + 20
              && System.nanoTime() - outageStart > Duration.ofSeconds(7).toNanos());
      assertEquals(0, operations(walletId).size(), "nothing is applied while PostgreSQL refuses");
      double oldestAgeSeconds = registry.get("consumer_oldest_unapplied_age_seconds").gauges().stream()
          .mapToDouble(gauge -> gauge.value()).max().orElse(0);
      assertTrue(oldestAgeSeconds >= 5, "the metric shows how long the oldest operation has waited: " + oldestAgeSeconds);
      assertEquals(membersBefore, members(admin), "more than twice max.poll.interval.ms paused, still the same member");
      Await.result(pool.query("UPDATE test_outage SET down = false").execute());
      Await.until("every operation is applied once the outage ends", SETTLE, () -> operations(walletId).size() == 60);
      assertEquals(60, balance(walletId));
      assertEquals(events.stream().map(WalletOperationEvent::operationId).toList(),
          operations(walletId).stream().map(row -> row.getUUID("operation_id")).toList(), "in order, none skipped");
      assertEquals(membersBefore, members(admin));
    } finally {
      Await.result(pool.query("UPDATE test_outage SET down = false").execute());
    }
  }

  /**
   * The case of a failover onto a standby: every write answers SQLSTATE 25006 (read-only
   * transaction) for a while. Not a data error, so nothing may be given up: every operation accepted
   * meanwhile is applied, in order, once writes pass again.
   */
  @Test
  void whilePostgresqlIsReadOnlyNothingIsGivenUpAndEverythingIsAppliedAfterwards() {
    UUID walletId = createWallet(0);
    List<WalletOperationEvent> events = new ArrayList<>();
    double givenUpBefore = givenUp();
    try {
      Await.result(pool.query("ALTER SYSTEM SET default_transaction_read_only = on").execute());
      Await.result(pool.query("SELECT pg_reload_conf()").execute());
      long endNanos = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < endNanos) {
        WalletOperationEvent event = event(walletId, OperationType.DEPOSIT, 1);
        events.add(event);
        produce(event);
      }
      assertTrue(events.size() > 20, "a steady stream while read-only: " + events.size());
      assertEquals(0, operations(walletId).size(), "nothing can be written while read-only");
    } finally {
      Await.result(pool.query("ALTER SYSTEM RESET default_transaction_read_only").execute());
      Await.result(pool.query("SELECT pg_reload_conf()").execute());
    }
    Await.until("every operation is applied once writes pass", SETTLE, () -> operations(walletId).size() == events.size());
    assertEquals(events.stream().map(WalletOperationEvent::operationId).toList(),
        operations(walletId).stream().map(row -> row.getUUID("operation_id")).toList(), "in order, none skipped");
    assertTrue(operations(walletId).stream().allMatch(row -> "COMPLETED".equals(row.getString("status"))));
    assertEquals(events.size(), balance(walletId));
    assertEquals(givenUpBefore, givenUp(), "nothing was given up");
  }

  private static double givenUp() {
    return registry.find("consumer_records_given_up").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static Set<String> members(Admin admin) {
    try {
      return admin.describeConsumerGroups(List.of(settings.groupId())).all().get().get(settings.groupId()).members()
          .stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
