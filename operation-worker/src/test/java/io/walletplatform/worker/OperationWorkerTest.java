package io.walletplatform.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.config.Config;
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
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.worker.db.LedgerRepository;
import io.walletplatform.worker.domain.BalanceMonitors;
import io.walletplatform.worker.domain.PendingOperation;
import io.walletplatform.worker.domain.WalletEvents;
import io.walletplatform.worker.domain.WalletLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** operation-worker on real Kafka, PostgreSQL and Redis, fed by records produced straight to its topic. */
@ExtendWith(VertxExtension.class)
class OperationWorkerTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static Vertx vertx;
  private static Config config;
  private static OperationWorkerSettings settings;
  private static Pool pool;
  private static Redis redis;
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config = IsolatedConfig.create("worker").with("WORKER_CONSUMERS", "2");
    settings = OperationWorkerSettings.from(config);
    prepare(settings);
    pool = PgPools.create(vertx, settings.pg(), "worker-test");
    redis = Redis.createClient(vertx, settings.redis().url());
    producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(settings.kafka(), "worker-test"));
    Await.result(OperationWorker.deploy(vertx, settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        Faults.NONE));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static void prepare(OperationWorkerSettings workerSettings) {
    Await.result(Migrations.migrate(vertx, workerSettings.pg(), Migrations.WALLET));
    Await.result(KafkaClients.ensureTopics(vertx, workerSettings.kafka(),
        List.of(workerSettings.operationsTopic(), workerSettings.deadLetterTopic())));
  }

  private static UUID createWallet(Pool client, long balanceMinor) {
    UUID walletId = UUID.randomUUID();
    Await.result(client.preparedQuery("INSERT INTO wallets (wallet_id, balance_minor) VALUES ($1, $2)")
        .execute(Tuple.of(walletId, balanceMinor)));
    return walletId;
  }

  private static WalletOperationEvent event(UUID walletId, OperationType type, long amountMinor) {
    return new WalletOperationEvent(UUID.randomUUID(), walletId, type, Money.ofMinor(amountMinor), Timestamps.now(),
        "worker-test");
  }

  private static void produce(String topic, WalletOperationEvent event) {
    produceRaw(topic, event.walletId().toString(), event.encode());
  }

  private static void produceRaw(String topic, String key, String value) {
    Await.result(producer.send(KafkaProducerRecord.create(topic, key, value)
        .addHeader(KafkaClients.EVENT_TYPE_HEADER, WalletOperationEvent.EVENT_TYPE)));
  }

  private static List<Row> operations(Pool client, UUID walletId) {
    List<Row> rows = new ArrayList<>();
    Await.result(client.preparedQuery("SELECT * FROM wallet_operations WHERE wallet_id = $1 ORDER BY id")
        .execute(Tuple.of(walletId))).forEach(rows::add);
    return rows;
  }

  private static long balance(Pool client, UUID walletId) {
    return Await.result(client.preparedQuery("SELECT balance_minor FROM wallets WHERE wallet_id = $1")
        .execute(Tuple.of(walletId))).iterator().next().getLong(0);
  }

  private static void awaitOperations(Pool client, UUID walletId, int count) {
    Await.until(count + " operations of " + walletId + " applied", SETTLE, () -> operations(client, walletId).size() >= count);
  }

  /**
   * Redis full (noeviction): the worker's refresh is refused. The entry must not be deleted (a slower
   * reader could then write back an older version than one already served); the refresh is owed and
   * lands once Redis takes writes again, with no further operation on the wallet.
   */
  @Test
  void aRefreshRedisRefusesIsNeverAnsweredByDeletingTheEntryAndLandsOnceRedisTakesWritesAgain() {
    UUID walletId = createWallet(pool, 0);
    String key = settings.redis().keyPrefix() + "wallet:" + walletId;
    produce(settings.operationsTopic(), event(walletId, OperationType.DEPOSIT, 100));
    Await.until("the first deposit is cached", SETTLE, () -> "1".equals(cached(key, "version")));
    Response policies = Await.result(redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory-policy")));
    String policy = (policies.getKeys().isEmpty() ? policies.get(1) : policies.get("maxmemory-policy")).toString();
    try {
      Await.result(redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("noeviction")));
      Await.result(redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("1")));
      produce(settings.operationsTopic(), event(walletId, OperationType.DEPOSIT, 50));
      Await.until("the second deposit is applied in PostgreSQL", SETTLE, () -> balance(pool, walletId) == 150);
      long refusedSince = System.nanoTime();
      Await.until("two refresh rounds had time to fail", SETTLE,
          () -> System.nanoTime() - refusedSince > Duration.ofMillis(2_500).toNanos());
      assertEquals("1", cached(key, "version"), "the entry is kept at the version it had, never deleted");
    } finally {
      Await.result(redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0")));
      Await.result(redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg(policy)));
    }
    Await.until("the owed refresh lands without another operation", SETTLE, () -> "2".equals(cached(key, "version")));
    assertEquals("150", cached(key, "balance"));
  }

  private static String cached(String key, String field) {
    Response value = Await.result(redis.send(Request.cmd(Command.HGET).arg(key).arg(field)));
    return value == null ? null : value.toString();
  }

  @Test
  void topicsAreCreatedWithTheConfiguredRetentionNotTheBrokersDefault() throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.<String, Object>of("bootstrap.servers", settings.kafka().bootstrapServers()))) {
      for (String topic : List.of(settings.operationsTopic(), settings.deadLetterTopic())) {
        var resource = new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        var entry = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms");
        assertEquals(Long.toString(settings.kafka().topicRetention().toMillis()), entry.value(), topic);
        assertEquals(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entry.source(),
            topic + ": set on the topic itself");
      }
    }
  }

  /**
   * Credit limits and assets through the real pipeline (issue #31): a wallet with a credit limit
   * goes below zero down to minus its limit and no further, PostgreSQL's own check agrees, and a
   * TRANSFER to a wallet of another asset moves nothing.
   */
  @Test
  void aCreditLimitIsTheFloorOfTheBalanceAndATransferAcrossAssetsMovesNothing() {
    UUID credited = UUID.randomUUID();
    Await.result(pool.preparedQuery("INSERT INTO wallets (wallet_id, balance_minor, credit_limit_minor) VALUES ($1, 1000, 5000)")
        .execute(Tuple.of(credited)));
    UUID euros = UUID.randomUUID();
    Await.result(pool.preparedQuery("INSERT INTO wallets (wallet_id, balance_minor, asset) VALUES ($1, 0, 'EUR')")
        .execute(Tuple.of(euros)));
    produce(settings.operationsTopic(), event(credited, OperationType.WITHDRAW, 4000));
    produce(settings.operationsTopic(), event(credited, OperationType.WITHDRAW, 2001));
    produce(settings.operationsTopic(), new WalletOperationEvent(UUID.randomUUID(), credited, OperationType.TRANSFER,
        Money.ofMinor(1), Timestamps.now(), "worker-test", euros, null, null, false, null));
    produce(settings.operationsTopic(), event(credited, OperationType.WITHDRAW, 2000));
    awaitOperations(pool, credited, 4);
    assertEquals(List.of("COMPLETED/null", "FAILED/CREDIT_LIMIT_EXCEEDED", "FAILED/ASSET_MISMATCH", "COMPLETED/null"),
        operations(pool, credited).stream().map(row -> row.getString("status") + "/" + row.getString("failure_reason"))
            .toList());
    assertEquals(-5000, balance(pool, credited));
    assertEquals(0, balance(pool, euros));
    assertEquals(-5000L, operations(pool, credited).get(3).getLong("balance_after_minor"));
    // The last line behind the worker: PostgreSQL refuses a balance below minus the limit.
    assertThrows(Throwable.class, () -> Await.result(pool.preparedQuery(
        "UPDATE wallets SET balance_minor = balance_minor - 1 WHERE wallet_id = $1").execute(Tuple.of(credited))));
  }

  @Test
  void theSameRecordDeliveredTwiceIsAppliedOnce() {
    UUID walletId = createWallet(pool, 0);
    WalletOperationEvent deposit = event(walletId, OperationType.DEPOSIT, 500);
    produce(settings.operationsTopic(), deposit);
    produce(settings.operationsTopic(), deposit);
    WalletOperationEvent marker = event(walletId, OperationType.DEPOSIT, 1);
    produce(settings.operationsTopic(), marker);

    awaitOperations(pool, walletId, 2);
    assertEquals(2, operations(pool, walletId).size());
    assertEquals(501, balance(pool, walletId));
  }

  /**
   * The ledger inserts a batch without first reading which of its operations were recorded before; the
   * unique operationId refuses one that was, the transaction rolls back, and the batch is decided again
   * knowing it: nothing of the refused attempt stays, a repeat is skipped, a reuse recorded, the rest applied
   * in the batch's order. The next batch of the same kind is decided the same way.
   */
  @Test
  void aBatchWithAnOperationRecordedBeforeIsDecidedAgainKnowingIt() {
    WebhookInterest interest = Await.result(WebhookInterest.start(vertx, settings.kafka(),
        settings.events().interestTopic()));
    LedgerRepository repository = new LedgerRepository();
    WalletLedger ledger = new WalletLedger(pool, repository,
        new WalletEvents(interest, settings.events().topic(), repository),
        new BalanceMonitors(repository, interest, settings.events().topic()));
    UUID walletId = createWallet(pool, 0);
    WalletOperationEvent first = event(walletId, OperationType.DEPOSIT, 100);
    WalletLedger.BatchResult applied = Await.result(ledger.apply(List.of(new PendingOperation(first, 0, 0))));
    assertEquals(1, applied.applied().size());

    for (int round = 1; round <= 2; round++) {
      // A batch of new operations only: inserted at the first attempt (after a conflict, read first: none found).
      WalletLedger.BatchResult clean = Await.result(ledger.apply(List.of(
          new PendingOperation(event(walletId, OperationType.DEPOSIT, 1), 0, round * 10L))));
      assertEquals(List.of(1, false), List.of(clean.applied().size(), clean.decidedAgain()), "round " + round);

      WalletOperationEvent before = event(walletId, OperationType.DEPOSIT, 10);
      WalletOperationEvent reused = new WalletOperationEvent(first.operationId(), walletId, OperationType.DEPOSIT,
          Money.ofMinor(999), Timestamps.now(), "worker-test");
      WalletOperationEvent after = event(walletId, OperationType.WITHDRAW, 5);
      WalletLedger.BatchResult again = Await.result(ledger.apply(List.of(
          new PendingOperation(before, 0, round * 10L + 1), new PendingOperation(first, 0, round * 10L + 2),
          new PendingOperation(reused, 0, round * 10L + 3), new PendingOperation(after, 0, round * 10L + 4))));
      assertTrue(again.decidedAgain(), "round " + round + ": the insert met the operation recorded before");
      assertEquals(2, again.applied().size(), "round " + round);
      assertEquals(1, again.duplicates(), "round " + round);
      assertEquals(List.of(reused), again.reuses().stream().map(PendingOperation::event).toList());
    }
    List<Row> rows = operations(pool, walletId);
    assertEquals(List.of(100L, 101L, 111L, 106L, 107L, 117L, 112L),
        rows.stream().map(row -> row.getLong("balance_after_minor")).toList(), "one row each, in the batches' order");
    assertEquals(112, balance(pool, walletId));
    assertEquals(100, rows.get(0).getLong("amount_minor"), "the first record of the id keeps its row");
  }

  @Test
  void operationsAreAppliedInKafkaOrderAndAWithdrawalNeverOverdraws() {
    UUID walletId = createWallet(pool, 0);
    List<WalletOperationEvent> events = List.of(
        event(walletId, OperationType.DEPOSIT, 500),
        event(walletId, OperationType.WITHDRAW, 300),
        event(walletId, OperationType.WITHDRAW, 300),
        event(walletId, OperationType.DEPOSIT, 100),
        event(walletId, OperationType.WITHDRAW, 300));
    events.forEach(e -> produce(settings.operationsTopic(), e));

    awaitOperations(pool, walletId, 5);
    List<Row> rows = operations(pool, walletId);
    for (int i = 0; i < events.size(); i++) {
      assertEquals(events.get(i).operationId(), rows.get(i).getUUID("operation_id"));
    }
    assertEquals(List.of("COMPLETED", "COMPLETED", "FAILED", "COMPLETED", "COMPLETED"),
        rows.stream().map(r -> r.getString("status")).toList());
    assertEquals("INSUFFICIENT_FUNDS", rows.get(2).getString("failure_reason"));
    assertEquals(List.of(500L, 200L, 200L, 300L, 0L), rows.stream().map(r -> r.getLong("balance_after_minor")).toList());
    assertEquals(0, balance(pool, walletId));

    // The cache follows the committed version: four balance changes.
    String key = settings.redis().keyPrefix() + "wallet:" + walletId;
    Await.until("cache refreshed", SETTLE, () -> {
      Response version = Await.result(redis.send(Request.cmd(Command.HGET).arg(key).arg("version")));
      return version != null && version.toLong() == 4;
    });
    assertEquals("0", Await.result(redis.send(Request.cmd(Command.HGET).arg(key).arg("balance"))).toString());
  }

  @Test
  void anOperationOnAnUnknownWalletFailsWithWalletNotFound() {
    UUID walletId = UUID.randomUUID();
    produce(settings.operationsTopic(), event(walletId, OperationType.DEPOSIT, 100));
    awaitOperations(pool, walletId, 1);
    Row row = operations(pool, walletId).get(0);
    assertEquals("FAILED", row.getString("status"));
    assertEquals("WALLET_NOT_FOUND", row.getString("failure_reason"));
    assertNull(row.getLong("balance_after_minor"));
  }

  @Test
  void anUndecodableRecordGoesToTheDeadLetterTopicWithoutBlockingItsPartition() {
    UUID walletId = createWallet(pool, 0);
    List<KafkaConsumerRecord<String, String>> deadLetters = new CopyOnWriteArrayList<>();
    KafkaConsumer<String, String> dlt = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", settings.kafka().bootstrapServers(),
        "group.id", "dlt-reader-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    dlt.handler(deadLetters::add);
    Await.result(dlt.subscribe(settings.deadLetterTopic()));

    String key = walletId.toString();
    produceRaw(settings.operationsTopic(), key, "{not json");
    produceRaw(settings.operationsTopic(), key, new JsonObject().put("operationId", UUID.randomUUID().toString())
        .put("walletId", key).put("operationType", "DEPOSIT").put("amountMinor", -5)
        .put("acceptedAt", "2026-01-01T00:00:00.000Z").encode());
    WalletOperationEvent valid = event(walletId, OperationType.DEPOSIT, 250);
    produce(settings.operationsTopic(), valid);

    awaitOperations(pool, walletId, 1);
    assertEquals(250, balance(pool, walletId));
    Await.until("two dead letters", SETTLE, () -> deadLetters.stream().filter(r -> key.equals(r.key())).count() == 2);
    KafkaConsumerRecord<String, String> first = deadLetters.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    assertEquals("{not json", first.value());
    String error = first.headers().stream().filter(h -> h.key().equals(KafkaClients.ERROR_HEADER)).findFirst()
        .orElseThrow().value().toString();
    assertTrue(error.contains("JSON"), error);
    Await.result(dlt.close());
  }

  @Test
  void aWorkerStoppedAfterItsDatabaseCommitAndBeforeItsOffsetCommitAppliesNothingTwice() {
    Config crashConfig = IsolatedConfig.create("crash").with("WORKER_CONSUMERS", "1");
    OperationWorkerSettings crashSettings = OperationWorkerSettings.from(crashConfig);
    prepare(crashSettings);
    Pool crashPool = PgPools.create(vertx, crashSettings.pg(), "crash-test");
    UUID walletId = createWallet(crashPool, 0);
    long expected = 0;
    for (int i = 1; i <= 40; i++) {
      OperationType type = i % 4 == 0 ? OperationType.WITHDRAW : OperationType.DEPOSIT;
      expected += type == OperationType.DEPOSIT ? i : -i;
      produce(crashSettings.operationsTopic(), event(walletId, type, i));
    }

    // First worker: every batch reaches PostgreSQL, then "crashes" before committing its offsets.
    Faults crashBeforeCommit = new Faults() {
      @Override
      public Future<Void> beforeOffsetCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return Future.failedFuture(new IllegalStateException("crash before offset commit"));
      }
    };
    String crashed = Await.result(OperationWorker.deploy(vertx, crashSettings,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), crashBeforeCommit));
    awaitOperations(crashPool, walletId, 40);
    Await.result(vertx.undeploy(crashed));
    assertEquals(expected, balance(crashPool, walletId));
    assertTrue(committedOffsets(crashSettings).isEmpty(), "the crashed worker committed no offset");

    // Restarted worker: reads the same records again, applies none of them twice, then commits.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String restarted = Await.result(OperationWorker.deploy(vertx, crashSettings, registry, Faults.NONE));
    Await.until("offsets committed past all 40 records", SETTLE, () ->
        committedOffsets(crashSettings).values().stream().mapToLong(OffsetAndMetadata::getOffset).sum() == 40);
    Counter duplicates = registry.find("worker_operations_duplicates").counter();
    assertEquals(40.0, duplicates == null ? 0 : duplicates.count(), "every redelivered operation was recognised");
    assertEquals(40, operations(crashPool, walletId).size());
    assertEquals(expected, balance(crashPool, walletId));
    Await.result(vertx.undeploy(restarted));
  }

  @Test
  void aHoldThatExpiresWhileNoWorkerRunsIsReleasedOnceAfterTheRestart() {
    Config expiryConfig = IsolatedConfig.create("expiry").with("WORKER_CONSUMERS", "1").with("HOLD_EXPIRY_SCAN_MS", "200");
    OperationWorkerSettings expirySettings = OperationWorkerSettings.from(expiryConfig);
    prepare(expirySettings);
    Pool expiryPool = PgPools.create(vertx, expirySettings.pg(), "expiry-test");
    UUID walletId = createWallet(expiryPool, 10_000);
    UUID holdId = UUID.randomUUID();
    Instant expiresAt = Instant.now().plusMillis(1_500);
    produce(expirySettings.operationsTopic(), new WalletOperationEvent(holdId, walletId, OperationType.HOLD,
        Money.ofMinor(2_500), Timestamps.now(), "worker-test", null, null, expiresAt, false, null));
    String first = Await.result(OperationWorker.deploy(vertx, expirySettings,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Faults.NONE));
    awaitOperations(expiryPool, walletId, 1);
    assertEquals(2_500, held(expiryPool, walletId));
    Await.result(vertx.undeploy(first));

    Await.until("past expiresAt with no worker running", SETTLE, () -> Instant.now().isAfter(expiresAt.plusMillis(500)));
    assertEquals("ACTIVE", holdStatus(expiryPool, holdId), "nothing released it while no worker ran");
    // Two workers come back at once: both scan, both may submit the release; it is applied once.
    String second = Await.result(OperationWorker.deploy(vertx, expirySettings,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Faults.NONE));
    String third = Await.result(OperationWorker.deploy(vertx, expirySettings,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Faults.NONE));
    Await.until("the hold expired", SETTLE, () -> "EXPIRED".equals(holdStatus(expiryPool, holdId)));
    Await.result(vertx.timer(1_000));
    List<Row> rows = operations(expiryPool, walletId);
    assertEquals(2, rows.size(), "the HOLD and one release");
    Row release = rows.get(1);
    assertEquals("VOID", release.getString("operation_type"));
    assertEquals(holdId, release.getUUID("hold_id"));
    assertEquals(2_500, release.getLong("amount_minor"));
    assertEquals("platform", release.getString("requested_by"));
    assertEquals(0, held(expiryPool, walletId));
    assertEquals(10_000, balance(expiryPool, walletId));
    Await.result(vertx.undeploy(second));
    Await.result(vertx.undeploy(third));
  }

  private static long held(Pool client, UUID walletId) {
    return Await.result(client.preparedQuery("SELECT held_minor FROM wallets WHERE wallet_id = $1")
        .execute(Tuple.of(walletId))).iterator().next().getLong(0);
  }

  private static String holdStatus(Pool client, UUID holdId) {
    var rows = Await.result(client.preparedQuery("SELECT status FROM wallet_holds WHERE hold_id = $1")
        .execute(Tuple.of(holdId)));
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }

  private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(OperationWorkerSettings workerSettings) {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, Map.of("bootstrap.servers", workerSettings.kafka().bootstrapServers()));
    try {
      return Await.result(admin.listConsumerGroupOffsets(workerSettings.groupId()));
    } finally {
      admin.close();
    }
  }
}
