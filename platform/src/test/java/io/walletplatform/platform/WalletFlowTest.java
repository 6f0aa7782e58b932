package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.common.auth.Authentication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole wallet pipeline as users drive it: HTTP on the single entry point, Kafka, the worker,
 * PostgreSQL and Redis, all real. Balances are checked against an independent replay of the
 * operations in the order they were applied.
 */
@ExtendWith(VertxExtension.class)
class WalletFlowTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static WebClient client;
  private static PlatformSettings settings;
  private static Pool pool;
  private static Redis redis;
  private static Authentication authentication;

  @BeforeAll
  static void start() throws IOException {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("platform").with("PLATFORM_PORT", Integer.toString(FreePorts.pick()))
        .with("HTTP_INSTANCES", "2");
    settings = PlatformSettings.from(config);
    authentication = Await.result(Platform.deploy(runtime, settings), Duration.ofSeconds(60));
    client = Tokens.bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(settings.http().port()), new PoolOptions().setHttp1MaxSize(64)), Tokens.user(authentication));
    pool = PgPools.create(vertx, settings.wallet().pg(), "flow-test");
    redis = Redis.createClient(vertx, settings.wallet().redis().url());
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static Future<HttpResponse<Buffer>> submit(UUID walletId, String type, String amount, UUID operationId) {
    JsonObject body = new JsonObject().put("walletId", walletId.toString()).put("operationType", type);
    String json = body.encode().replace("}", ",\"amount\":" + amount
        + (operationId == null ? "" : ",\"operationId\":\"" + operationId + "\"") + "}");
    return client.post("/api/v1/wallet").putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json));
  }

  private static UUID createWallet(String initialBalance) {
    HttpResponse<Buffer> created = Await.result(client.post("/api/v1/wallets").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\":" + initialBalance + "}")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return UUID.fromString(created.bodyAsJsonObject().getString("walletId"));
  }

  /** Every operation of the wallet, oldest (first applied) first, read page by page through the API. */
  private static List<JsonObject> allOperations(UUID walletId) {
    List<JsonObject> newestFirst = new ArrayList<>();
    String cursor = null;
    do {
      String path = "/api/v1/wallets/" + walletId + "/operations?limit=500" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonObject page = Await.result(client.get(path).send()).bodyAsJsonObject();
      page.getJsonArray("items").forEach(item -> newestFirst.add((JsonObject) item));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  private static List<JsonObject> awaitSettled(UUID walletId, int count) {
    Await.until(count + " operations applied", SETTLE, () -> allOperations(walletId).size() >= count);
    return allOperations(walletId);
  }

  private static long storedBalance(UUID walletId) {
    return Await.result(pool.preparedQuery("SELECT balance_minor FROM wallets WHERE wallet_id = $1")
        .execute(Tuple.of(walletId))).iterator().next().getLong(0);
  }

  /** The operationIds of the wallet's records in the operations topic, in offset order (one partition per wallet). */
  private static List<UUID> loggedOperationIds(UUID walletId) {
    Map<String, Object> consumerConfig = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.wallet().kafka().bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(settings.wallet().operationsTopic()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<UUID> ids = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertTrue(System.currentTimeMillis() < deadline, "read the operations topic within 30 s");
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (walletId.toString().equals(record.key())) {
            ids.add(UUID.fromString(new JsonObject(record.value()).getString("operationId")));
          }
        }
      }
      return ids;
    }
  }

  private static long minor(JsonObject json, String field) {
    return new BigDecimal(json.getValue(field).toString()).movePointRight(2).longValueExact();
  }

  @Test
  void alternatingDepositsAndWithdrawalsOfOneUnitAllCompleteInOrder() {
    UUID walletId = createWallet("0");
    List<UUID> accepted = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      for (String type : List.of("DEPOSIT", "WITHDRAW")) {
        HttpResponse<Buffer> response = Await.result(submit(walletId, type, "1.00", null));
        assertEquals(202, response.statusCode(), response.bodyAsString());
        accepted.add(UUID.fromString(response.bodyAsJsonObject().getString("operationId")));
      }
    }
    List<JsonObject> applied = awaitSettled(walletId, 1000);
    assertEquals(accepted, applied.stream().map(op -> UUID.fromString(op.getString("operationId"))).toList(),
        "applied in the order accepted");
    for (int i = 0; i < applied.size(); i++) {
      assertEquals("COMPLETED", applied.get(i).getString("status"), applied.get(i).encode());
      assertEquals(i % 2 == 0 ? 100 : 0, minor(applied.get(i), "balanceAfter"));
    }
    JsonObject wallet = Await.result(client.get("/api/v1/wallets/" + walletId).send()).bodyAsJsonObject();
    assertEquals(0, minor(wallet, "balance"));
    assertEquals(1000, wallet.getLong("version"));
    assertEquals(0, storedBalance(walletId));
  }

  @Test
  void oneOperationIdSubmittedTenTimesConcurrentlyIsAppliedOnce() {
    UUID walletId = createWallet("10");
    UUID operationId = UUID.randomUUID();
    List<Future<HttpResponse<Buffer>>> submissions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      submissions.add(submit(walletId, "DEPOSIT", "2.50", operationId));
    }
    Await.result(Future.join(submissions));
    for (Future<HttpResponse<Buffer>> submission : submissions) {
      HttpResponse<Buffer> response = submission.result();
      assertEquals(202, response.statusCode(), response.bodyAsString());
      assertEquals(operationId.toString(), response.bodyAsJsonObject().getString("operationId"));
    }
    List<JsonObject> applied = awaitSettled(walletId, 1);
    HttpResponse<Buffer> reused = Await.result(submit(walletId, "DEPOSIT", "3.00", operationId));
    assertEquals(422, reused.statusCode(), reused.bodyAsString());
    assertEquals("IDEMPOTENCY_KEY_REUSED", reused.bodyAsJsonObject().getString("code"));
    // A late replay of the identical request reports the operation's final state.
    HttpResponse<Buffer> replay = Await.result(submit(walletId, "DEPOSIT", "2.50", operationId));
    assertEquals(202, replay.statusCode());
    assertEquals("COMPLETED", replay.bodyAsJsonObject().getString("status"));

    assertEquals(1, applied.size());
    assertEquals(1, allOperations(walletId).size());
    assertEquals(1250, storedBalance(walletId));
  }

  @Test
  void fiveThousandMixedOperationsOnOneWalletBalanceToTheCent() {
    long initialMinor = 10_000;
    UUID walletId = createWallet("100.00");
    Random random = new Random(42);
    Semaphore inFlight = new Semaphore(64);
    List<Future<HttpResponse<Buffer>>> submissions = new ArrayList<>();
    Map<UUID, Long> amountById = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      long amountMinor = 1 + random.nextInt(2_000);
      String type = random.nextInt(100) < 55 ? "DEPOSIT" : "WITHDRAW";
      UUID operationId = UUID.randomUUID();
      amountById.put(operationId, amountMinor);
      inFlight.acquireUninterruptibly();
      submissions.add(submit(walletId, type, BigDecimal.valueOf(amountMinor, 2).toPlainString(), operationId)
          .onComplete(done -> inFlight.release()));
    }
    Await.result(Future.join(submissions), Duration.ofSeconds(120));
    Set<UUID> accepted = new HashSet<>();
    for (Future<HttpResponse<Buffer>> submission : submissions) {
      assertEquals(202, submission.result().statusCode(), submission.result().bodyAsString());
      accepted.add(UUID.fromString(submission.result().bodyAsJsonObject().getString("operationId")));
    }
    assertEquals(5_000, accepted.size());

    List<JsonObject> applied = awaitSettled(walletId, 5_000);
    assertEquals(5_000, applied.size());
    long running = initialMinor;
    long completedDeposits = 0;
    long completedWithdrawals = 0;
    Set<UUID> seen = new HashSet<>();
    for (JsonObject operation : applied) {
      UUID operationId = UUID.fromString(operation.getString("operationId"));
      assertTrue(accepted.contains(operationId) && seen.add(operationId), "each accepted operation exactly once");
      long amount = minor(operation, "amount");
      assertEquals(amountById.get(operationId), amount);
      boolean deposit = "DEPOSIT".equals(operation.getString("operationType"));
      switch (operation.getString("status")) {
        case "COMPLETED" -> {
          running += deposit ? amount : -amount;
          if (deposit) {
            completedDeposits += amount;
          } else {
            completedWithdrawals += amount;
          }
        }
        case "FAILED" -> {
          assertTrue(!deposit && running < amount, "only a withdrawal beyond the balance fails: " + operation.encode());
          assertEquals("INSUFFICIENT_FUNDS", operation.getString("failureReason"));
        }
        default -> throw new AssertionError("not final: " + operation.encode());
      }
      assertTrue(running >= 0, "never negative");
      assertEquals(running, minor(operation, "balanceAfter"), "balanceAfter is the running balance: " + operation.encode());
    }
    // The replay above holds for any order the worker chose; the order it must apply in is the log's.
    assertEquals(loggedOperationIds(walletId),
        applied.stream().map(operation -> UUID.fromString(operation.getString("operationId"))).toList(),
        "applied in the order of the wallet's records in Kafka");
    long stored = storedBalance(walletId);
    assertEquals(initialMinor + completedDeposits - completedWithdrawals, stored);
    assertEquals(running, stored);
    String key = settings.wallet().redis().keyPrefix() + "wallet:" + walletId;
    Await.until("cache equals PostgreSQL", SETTLE, () ->
        Long.toString(stored).equals(Await.result(redis.send(Request.cmd(Command.HGET).arg(key).arg("balance"))).toString()));
    JsonObject wallet = Await.result(client.get("/api/v1/wallets/" + walletId).send()).bodyAsJsonObject();
    assertEquals(stored, minor(wallet, "balance"));
  }

  @Test
  void theSingleEntryPointServesHealthMetricsAndTheContract() {
    HttpResponse<Buffer> health = Await.result(client.get("/health").send());
    assertEquals(200, health.statusCode(), health.bodyAsString());
    JsonArray checks = health.bodyAsJsonObject().getJsonArray("checks");
    // the dependencies, the process's own readiness (neither warming up nor draining) and its
    // consumers (each joined its group and none is stuck), in that order
    List<String> ids = new java.util.ArrayList<>();
    checks.forEach(check -> ids.add(((JsonObject) check).getString("id")));
    assertEquals(List.of("postgres", "redis", "kafka", "readiness", "consumers"), ids, checks.encode());
    assertTrue(checks.contains(new JsonObject().put("id", "consumers").put("status", "UP")), checks.encode());
    assertEquals(200, Await.result(client.get("/health/live").send()).statusCode());

    UUID walletId = createWallet("1");
    assertEquals(202, Await.result(submit(walletId, "DEPOSIT", "1", null)).statusCode());
    awaitSettled(walletId, 1);
    String metrics = Await.result(Tokens.client(vertx, settings.http().port(), Tokens.admin(authentication))
        .get("/metrics").send()).bodyAsString();
    for (String name : List.of("vertx_http_server_requests_total", "vertx_pool_", "wallet_operations_accepted_total",
        "worker_operations_applied_total", "worker_batch_transactions_total", "worker_batch_size",
        "kafka_consumer_", "kafka_producer_")) {
      assertTrue(metrics.contains(name), name + " in /metrics");
    }
    assertEquals(200, Await.result(client.get("/openapi/wallet-api.yaml").send()).statusCode());
  }

  @Test
  void anOperationIdReusedAfterRedisForgotItIsNeverAppliedAndReadsBackAsOperationIdReused() {
    UUID first = createWallet("10");
    UUID second = createWallet("10");
    UUID operationId = UUID.randomUUID();
    assertEquals(202, Await.result(submit(first, "DEPOSIT", "1.00", operationId)).statusCode());
    awaitSettled(first, 1);
    // What the end of the idempotency window (or an eviction, or a Redis restart) does to the claim.
    assertEquals(1, Await.result(redis.send(Request.cmd(Command.DEL)
        .arg(io.walletplatform.wallet.redis.OperationGuard.claimKey(settings.wallet().redis().keyPrefix(), operationId)))).toInteger());

    HttpResponse<Buffer> reused = Await.result(submit(second, "WITHDRAW", "2.00", operationId));
    assertEquals(202, reused.statusCode(), "Redis no longer knows the id: " + reused.bodyAsString());
    String path = "/api/v1/wallets/" + second + "/operations/" + operationId;
    Await.until("the reuse reads back FAILED", SETTLE,
        () -> "FAILED".equals(Await.result(client.get(path).send()).bodyAsJsonObject().getString("status")));
    JsonObject operation = Await.result(client.get(path).send()).bodyAsJsonObject();
    assertEquals("OPERATION_ID_REUSED", operation.getString("failureReason"));
    assertEquals("WITHDRAW", operation.getString("operationType"));
    assertEquals(200, minor(operation, "amount"));
    HttpResponse<Buffer> replay = Await.result(submit(second, "WITHDRAW", "2.00", operationId));
    assertEquals(202, replay.statusCode());
    assertEquals("OPERATION_ID_REUSED", replay.bodyAsJsonObject().getString("failureReason"), "a replay reads the outcome");

    assertEquals(1000, storedBalance(second), "never applied");
    assertEquals(1100, storedBalance(first));
    assertEquals(0, allOperations(second).size());
    JsonObject original = Await.result(client.get("/api/v1/wallets/" + first + "/operations/" + operationId).send())
        .bodyAsJsonObject();
    assertEquals("COMPLETED", original.getString("status"), "the original is untouched");
  }
}
