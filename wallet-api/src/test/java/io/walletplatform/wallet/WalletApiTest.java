package io.walletplatform.wallet;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.RedisSettings;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.common.ops.HttpFrontVerticle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.wallet.redis.OperationGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;

import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.infra.testing.ApiClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wallet-api alone on a real HTTP server (port 0) against real PostgreSQL, Redis and Kafka.
 * Nothing applies operations here, so accepted ones stay PENDING: the worker has its own tests.
 */
@ExtendWith(VertxExtension.class)
class WalletApiTest {

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static WebClient client;
  private static Redis redis;
  private static Config config;
  private static WalletApiSettings settings;
  private static int port;
  private static Authentication authentication;
  private static String token;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    config = IsolatedConfig.create("walletapi");
    settings = WalletApiSettings.from(config);
    authentication = Tokens.authentication(vertx, config);
    token = Tokens.user(authentication);
    port = deploy(settings);
    client = Tokens.client(vertx, port, token);
    redis = Redis.createClient(vertx, RedisSettings.from(config).url());
  }

  private static int deploy(WalletApiSettings walletSettings) {
    Await.result(Migrations.migrate(vertx, walletSettings.pg(), Migrations.WALLET));
    Await.result(KafkaClients.ensureTopics(vertx, walletSettings.kafka(), List.of(walletSettings.operationsTopic())));
    HttpFrontVerticle verticle = new HttpFrontVerticle(walletSettings.http(), runtime.registry(), authentication,
        List.of(WalletApi.factory(walletSettings, runtime.registry())));
    Await.result(vertx.deployVerticle(verticle));
    return verticle.actualPort();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static HttpResponse<Buffer> post(String path, String body) {
    return Await.result(client.post(path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  private static HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }

  private static UUID createWallet(String initialBalance) {
    HttpResponse<Buffer> created = post("/api/v1/wallets", "{\"initialBalance\": " + initialBalance + "}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return UUID.fromString(created.bodyAsJsonObject().getString("walletId"));
  }

  @Test
  void aWalletBelongsToItsCreatorAndDoesNotExistForAnotherPrincipal() {
    String owner = Principal.of(Await.result(authentication.verifier()
        .authenticate(new io.vertx.ext.auth.authentication.TokenCredentials(token)))).subject();
    UUID walletId = createWallet("5");
    assertEquals(owner, get("/api/v1/wallets/" + walletId).bodyAsJsonObject().getString("ownerId"));
    UUID operationId = UUID.randomUUID();
    String deposit = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1,\"operationId\":\""
        + operationId + "\"}";
    HttpResponse<Buffer> accepted = post("/api/v1/wallet", deposit);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(owner, accepted.bodyAsJsonObject().getString("requestedBy"));

    WebClient intruder = Tokens.client(vertx, port, Tokens.user(authentication));
    String operationPath = "/api/v1/wallets/" + walletId + "/operations/" + operationId;
    assertProblem(Await.result(intruder.get("/api/v1/wallets/" + walletId).send()), 404, "WALLET_NOT_FOUND", null);
    assertProblem(Await.result(intruder.get("/api/v1/wallets/" + walletId + "/operations").send()), 404,
        "WALLET_NOT_FOUND", null);
    assertProblem(Await.result(intruder.get(operationPath).send()), 404, "OPERATION_NOT_FOUND", null);
    String withdraw = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"WITHDRAW\",\"amount\":5}";
    assertProblem(Await.result(intruder.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(withdraw))), 404, "WALLET_NOT_FOUND", null);
    // Not even a replay of the owner's own operationId tells the intruder anything.
    assertProblem(Await.result(intruder.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(deposit))), 404, "WALLET_NOT_FOUND", null);
    assertEquals("PENDING", get(operationPath).bodyAsJsonObject().getString("status"), "the owner still sees it");

    WebClient admin = Tokens.client(vertx, port, Tokens.admin(authentication));
    assertEquals(200, Await.result(admin.get("/api/v1/wallets/" + walletId).send()).statusCode());
    HttpResponse<Buffer> byAdmin = Await.result(admin.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":2}")));
    assertEquals(202, byAdmin.statusCode(), byAdmin.bodyAsString());
    assertEquals(Tokens.ADMIN_CLIENT.toString(), byAdmin.bodyAsJsonObject().getString("requestedBy"));
    assertEquals(Tokens.ADMIN_CLIENT.toString(), get(byAdmin.getHeader("Location")).bodyAsJsonObject().getString("requestedBy"),
        "the owner reads who moved its money");
  }

  /** Only a funding principal (or admin) creates money: a DEPOSIT or a non-zero initial balance (issue #30). */
  @Test
  void withoutTheFundingScopeNoMoneyIsCreatedAndEverythingElseWorks() {
    WebClient unfunded = Tokens.client(vertx, port, Tokens.unfundedUser(authentication));
    assertProblem(Await.result(unfunded.post("/api/v1/wallets").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\": 1000000000}"))), 403, "FORBIDDEN", null);
    HttpResponse<Buffer> empty = Await.result(unfunded.post("/api/v1/wallets").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\": 0}")));
    assertEquals(201, empty.statusCode(), empty.bodyAsString());
    String walletId = empty.bodyAsJsonObject().getString("walletId");
    HttpResponse<Buffer> deposit = Await.result(unfunded.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":5}")));
    assertProblem(deposit, 403, "FORBIDDEN", null);
    assertTrue(deposit.bodyAsString().contains("funding"), deposit.bodyAsString());
    HttpResponse<Buffer> withdraw = Await.result(unfunded.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"WITHDRAW\",\"amount\":5}")));
    assertEquals(202, withdraw.statusCode(), "moving (here: failing to move) money needs no funding: " + withdraw.bodyAsString());
    assertEquals(0, new java.math.BigDecimal(Await.result(unfunded.get("/api/v1/wallets/" + walletId).send())
        .bodyAsJsonObject().getValue("balance").toString()).signum(), "no money was created");
  }

  @Test
  void writesBeyondAPrincipalsRateAre429WithRetryAfterAndPassAgainOnceItHasWaited() {
    Config limits = config.with("RATE_LIMIT_PER_PRINCIPAL_PER_S", "2").with("RATE_LIMIT_BURST", "3");
    int limitedPort = deployPortWith(limits, Tokens.authentication(vertx, limits));
    WebClient hasty = Tokens.client(vertx, limitedPort, Tokens.user(authentication));
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(Await.result(hasty.post("/api/v1/wallets").send()));
    }
    assertEquals(List.of(201, 201, 201, 429, 429, 429), answers.stream().map(HttpResponse::statusCode).toList());
    HttpResponse<Buffer> limited = answers.get(5);
    assertProblem(limited, 429, "RATE_LIMITED", null);
    long retryAfter = Long.parseLong(limited.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
    assertEquals(200, Await.result(hasty.get("/api/v1/wallets/" + answers.get(0).bodyAsJsonObject().getString("walletId"))
        .send()).statusCode(), "reads are not limited");
    WebClient other = Tokens.client(vertx, limitedPort, Tokens.user(authentication));
    assertEquals(201, Await.result(other.post("/api/v1/wallets").send()).statusCode(), "the limit is per principal");
    Await.until("the principal may write again after Retry-After", Duration.ofSeconds(10),
        () -> Await.result(hasty.post("/api/v1/wallets").send()).statusCode() == 201);
  }

  @Test
  void readsBeyondAPrincipalsReadRateAre429CountedApartFromItsWrites() {
    Config limits = config.with("RATE_LIMIT_READS_PER_PRINCIPAL_PER_S", "2").with("RATE_LIMIT_READ_BURST", "3");
    int limitedPort = deployPortWith(limits, Tokens.authentication(vertx, limits));
    WebClient reader = Tokens.client(vertx, limitedPort, Tokens.user(authentication));
    HttpResponse<Buffer> created = Await.result(reader.post("/api/v1/wallets").send());
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String path = "/api/v1/wallets/" + created.bodyAsJsonObject().getString("walletId");
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<Buffer> limited = null;
    for (int i = 0; i < 6; i++) {
      HttpResponse<Buffer> answer = Await.result(reader.get(path).send());
      statuses.add(answer.statusCode());
      limited = answer;
    }
    assertEquals(List.of(200, 200, 200, 429, 429, 429), statuses);
    assertProblem(limited, 429, "RATE_LIMITED", null);
    assertTrue(limited.bodyAsJsonObject().getString("detail").contains("read requests"), limited.bodyAsString());
    assertTrue(Long.parseLong(limited.getHeader("Retry-After")) >= 1);
    assertEquals(201, Await.result(reader.post("/api/v1/wallets").send()).statusCode(), "writes have their own budget");
    WebClient other = Tokens.client(vertx, limitedPort, Tokens.user(authentication));
    assertEquals(404, Await.result(other.get(path).send()).statusCode(), "the limit is per principal (and the wallet not theirs)");
  }

  @Test
  void pastTheApplyLagBoundNewOperationsAre503UntilTheWorkerHasCaughtUp() {
    // No worker runs here: every accepted operation adds to the lag of the (fresh) worker group.
    String group = "lag-" + UUID.randomUUID();
    String topic = "wallet.operations.lag-" + UUID.randomUUID();
    Config lagging = config.with("WALLET_SHED_LAG_RECORDS", "3").with("WALLET_SHED_CHECK_INTERVAL_MS", "100")
        .with("WORKER_GROUP_ID", group).with("WALLET_OPERATIONS_TOPIC", topic);
    WalletApiSettings laggingSettings = WalletApiSettings.from(lagging);
    Await.result(KafkaClients.ensureTopics(vertx, laggingSettings.kafka(), List.of(topic)));
    WebClient shedding = Tokens.client(vertx, deployPortWith(lagging), token);
    UUID walletId = createWallet("0");
    String deposit = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}";
    int[] accepted = {0};
    HttpResponse<Buffer>[] refused = new HttpResponse[1];
    Await.until("the accept path sheds load once 3 operations wait", Duration.ofSeconds(20), () -> {
      HttpResponse<Buffer> answer = Await.result(shedding.post("/api/v1/wallet").putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(deposit)));
      if (answer.statusCode() == 202) {
        accepted[0]++;
        return false;
      }
      refused[0] = answer;
      return true;
    });
    assertTrue(accepted[0] >= 4, accepted[0] + " accepted before shedding");
    ApiClient.assertUnavailable(List.of(refused[0]));
    assertNotNull(refused[0].bodyAsJsonObject().getString("operationId"), "the id to retry with");
    assertEquals(200, Await.result(shedding.get("/api/v1/wallets/" + walletId).send()).statusCode(), "reads still served");

    // The worker catches up (its group commits the end offsets): operations are accepted again.
    commitEndOffsets(laggingSettings, group, topic);
    Await.until("accepted again once the lag is gone", Duration.ofSeconds(20), () ->
        Await.result(shedding.post("/api/v1/wallet").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(deposit))).statusCode() == 202);
  }

  @Test
  void onceTheOldestUnappliedOperationIsOlderThanTheTimeBoundNewOperationsAre503() {
    String group = "lag-age-" + UUID.randomUUID();
    String topic = "wallet.operations.lag-age-" + UUID.randomUUID();
    Config lagging = config.with("WALLET_SHED_LAG_RECORDS", "0").with("WALLET_SHED_LAG_MS", "1500")
        .with("WALLET_SHED_CHECK_INTERVAL_MS", "100").with("WORKER_GROUP_ID", group).with("WALLET_OPERATIONS_TOPIC", topic);
    WalletApiSettings laggingSettings = WalletApiSettings.from(lagging);
    Await.result(KafkaClients.ensureTopics(vertx, laggingSettings.kafka(), List.of(topic)));
    WebClient shedding = Tokens.client(vertx, deployPortWith(lagging), token);
    UUID walletId = createWallet("0");
    String deposit = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}";
    java.util.function.Supplier<HttpResponse<Buffer>> send = () -> Await.result(shedding.post("/api/v1/wallet")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(deposit)));
    assertEquals(202, send.get().statusCode(), "nothing waits yet");
    long firstAccepted = System.nanoTime();
    HttpResponse<Buffer>[] refused = new HttpResponse[1];
    Await.until("the accept path sheds once the unapplied operation is 1.5 s old", Duration.ofSeconds(20), () -> {
      HttpResponse<Buffer> answer = send.get();
      if (answer.statusCode() == 202) {
        return false;
      }
      refused[0] = answer;
      return true;
    });
    long waitedMs = (System.nanoTime() - firstAccepted) / 1_000_000;
    assertTrue(waitedMs >= 1_400, "not before the bound: shed after " + waitedMs + " ms");
    ApiClient.assertUnavailable(List.of(refused[0]));
    assertTrue(refused[0].bodyAsJsonObject().getString("detail").contains("the oldest accepted over 1,500 ms ago"),
        refused[0].bodyAsString());

    commitEndOffsets(laggingSettings, group, topic);
    Await.until("accepted again once everything is applied", Duration.ofSeconds(20), () -> send.get().statusCode() == 202);
  }

  /** What operation-worker's group does once it has applied everything: commits the topic's end offsets. */
  private static void commitEndOffsets(WalletApiSettings settings, String group, String topic) {
    java.util.Properties properties = new java.util.Properties();
    properties.put("bootstrap.servers", settings.kafka().bootstrapServers());
    properties.put("group.id", group);
    properties.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    properties.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(properties)) {
      List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
      java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> done =
          new java.util.HashMap<>();
      consumer.endOffsets(partitions).forEach((partition, end) ->
          done.put(partition, new org.apache.kafka.clients.consumer.OffsetAndMetadata(end)));
      consumer.commitSync(done);
    }
  }

  @Test
  void aPrincipalOwnsAtMostTheConfiguredNumberOfWallets() {
    int limitedPort = deployPortWith(config.with("WALLETS_PER_PRINCIPAL_MAX", "2"));
    WebClient limited = Tokens.client(vertx, limitedPort, Tokens.user(authentication));
    for (int i = 0; i < 2; i++) {
      assertEquals(201, Await.result(limited.post("/api/v1/wallets").send()).statusCode());
    }
    assertProblem(Await.result(limited.post("/api/v1/wallets").send()), 409, "LIMIT_REACHED", null);
    assertProblem(Await.result(limited.post("/api/v1/wallets").send()), 409, "LIMIT_REACHED", null);
    WebClient other = Tokens.client(vertx, limitedPort, Tokens.user(authentication));
    assertEquals(201, Await.result(other.post("/api/v1/wallets").send()).statusCode(), "the bound is per principal");
  }

  @Test
  void creatingAWalletReturns201WithLocationAndAmountsWithTwoDecimals() {
    UUID walletId = UUID.randomUUID();
    HttpResponse<Buffer> created = post("/api/v1/wallets", "{\"walletId\":\"" + walletId + "\",\"initialBalance\":10.5}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("/api/v1/wallets/" + walletId, created.getHeader("Location"));
    assertTrue(created.bodyAsString().contains("\"balance\":10.50"), created.bodyAsString());
    assertEquals(0, created.bodyAsJsonObject().getLong("version"));

    HttpResponse<Buffer> fetched = get("/api/v1/wallets/" + walletId);
    assertEquals(200, fetched.statusCode());
    assertTrue(fetched.bodyAsString().contains("\"balance\":10.50"), fetched.bodyAsString());
    assertTrue(fetched.bodyAsJsonObject().getString("createdAt").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
  }

  @Test
  void anEmptyBodyCreatesAWalletWithAGeneratedIdAndZeroBalance() {
    HttpResponse<Buffer> created = Await.result(client.post("/api/v1/wallets").send());
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertTrue(created.bodyAsString().contains("\"balance\":0.00"), created.bodyAsString());
    assertNotNull(UUID.fromString(created.bodyAsJsonObject().getString("walletId")));
  }

  @Test
  void creatingAnExistingWalletIsAConflict() {
    UUID walletId = createWallet("1");
    assertProblem(post("/api/v1/wallets", "{\"walletId\":\"" + walletId + "\"}"), 409, "WALLET_ALREADY_EXISTS", null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"initialBalance\": -1}|initialBalance",
      "{\"initialBalance\": \"5\"}|initialBalance",
      "{\"initialBalance\": 1000000000.01}|initialBalance",
      "{\"walletId\": \"not-a-uuid\"}|walletId",
  })
  void badWalletCreationsAreRejectedNamingTheField(String body, String field) {
    assertProblem(post("/api/v1/wallets", body), 400, "VALIDATION_FAILED", field);
  }

  @Test
  void unknownAndMalformedWalletIdsAre404And400() {
    assertProblem(get("/api/v1/wallets/" + UUID.randomUUID()), 404, "WALLET_NOT_FOUND", null);
    assertProblem(get("/api/v1/wallets/not-a-uuid"), 400, "VALIDATION_FAILED", "walletId");
  }

  @Test
  void anAcceptedOperationIsPendingAndVisibleRightAfterThe202() {
    UUID walletId = createWallet("5");
    UUID operationId = UUID.randomUUID();
    HttpResponse<Buffer> accepted = post("/api/v1/wallet", "{\"walletId\":\"" + walletId
        + "\",\"operationType\":\"DEPOSIT\",\"amount\":12.5,\"operationId\":\"" + operationId + "\"}");
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    assertEquals("/api/v1/wallets/" + walletId + "/operations/" + operationId, accepted.getHeader("Location"));
    JsonObject operation = accepted.bodyAsJsonObject();
    assertEquals("PENDING", operation.getString("status"));
    assertTrue(accepted.bodyAsString().contains("\"amount\":12.50"), accepted.bodyAsString());
    assertNull(operation.getValue("balanceAfter"));
    assertNull(operation.getValue("processedAt"));

    HttpResponse<Buffer> fetched = get("/api/v1/wallets/" + walletId + "/operations/" + operationId);
    assertEquals(200, fetched.statusCode(), fetched.bodyAsString());
    assertEquals("PENDING", fetched.bodyAsJsonObject().getString("status"));
    assertEquals(operation.getString("acceptedAt"), fetched.bodyAsJsonObject().getString("acceptedAt"));
  }

  @Test
  void anOperationIdIsGeneratedWhenTheClientSendsNone() {
    UUID walletId = createWallet("5");
    HttpResponse<Buffer> accepted = post("/api/v1/wallet", "{\"walletId\":\"" + walletId
        + "\",\"operationType\":\"WITHDRAW\",\"amount\":1}");
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    assertNotNull(UUID.fromString(accepted.bodyAsJsonObject().getString("operationId")));
  }

  @Test
  void resubmittingAnOperationIdReplaysIdenticalRequestsAndRejectsDifferentOnes() {
    UUID walletId = createWallet("5");
    UUID operationId = UUID.randomUUID();
    String body = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":2,\"operationId\":\"" + operationId + "\"}";
    HttpResponse<Buffer> first = post("/api/v1/wallet", body);
    HttpResponse<Buffer> replay = post("/api/v1/wallet", body);
    assertEquals(202, first.statusCode());
    assertEquals(202, replay.statusCode());
    assertEquals(first.bodyAsJsonObject().getString("acceptedAt"), replay.bodyAsJsonObject().getString("acceptedAt"));
    // The claim is written once, for the idempotency window (one hour here), not for the producing window.
    long ttlMs = Await.result(redis.send(Request.cmd(Command.PTTL)
        .arg(OperationGuard.claimKey(RedisSettings.from(config).keyPrefix(), operationId)))).toLong();
    assertTrue(ttlMs > Duration.ofMinutes(59).toMillis(), "claimed for " + ttlMs + " ms");

    String otherAmount = body.replace("\"amount\":2", "\"amount\":3");
    assertProblem(post("/api/v1/wallet", otherAmount), 422, "IDEMPOTENCY_KEY_REUSED", null);
    String otherType = body.replace("DEPOSIT", "WITHDRAW");
    assertProblem(post("/api/v1/wallet", otherType), 422, "IDEMPOTENCY_KEY_REUSED", null);
    UUID otherWallet = createWallet("5");
    assertProblem(post("/api/v1/wallet", body.replace(walletId.toString(), otherWallet.toString())), 422,
        "IDEMPOTENCY_KEY_REUSED", null);
  }

  /** Issue #30: made-up operation ids are no lever on the broker; their checks share one flight. */
  @Test
  void aFloodOfUnknownOperationIdsMakesAFewAdminChecksNotOneEach() {
    UUID walletId = createWallet("0");
    io.micrometer.core.instrument.Counter checks = runtime.registry().find("wallet_catch_up_checks").counter();
    double before = checks.count();
    List<io.vertx.core.Future<HttpResponse<Buffer>>> answers = new java.util.ArrayList<>();
    // 40 connections: all at once (the default pool would send them five at a time).
    WebClient flood = Tokens.bearing(WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(port), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(40)), token);
    for (int i = 0; i < 40; i++) {
      answers.add(flood.get("/api/v1/wallets/" + walletId + "/operations/" + UUID.randomUUID()).send());
    }
    for (io.vertx.core.Future<HttpResponse<Buffer>> answer : answers) {
      HttpResponse<Buffer> response = Await.result(answer, java.time.Duration.ofSeconds(30));
      assertTrue(response.statusCode() == 404 || response.statusCode() == 503, response.statusCode() + " " + response.bodyAsString());
    }
    double made = checks.count() - before;
    assertTrue(made >= 1 && made <= 4, "40 unknown ids made " + made + " admin checks");
  }

  @Test
  void anOperationOnAnUnknownWalletIs404AndIsNotAccepted() {
    UUID operationId = UUID.randomUUID();
    UUID walletId = UUID.randomUUID();
    assertProblem(post("/api/v1/wallet", "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1,\"operationId\":\"" + operationId + "\"}"),
        404, "WALLET_NOT_FOUND", null);
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations/" + operationId), 404, "OPERATION_NOT_FOUND", null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"amount\": 0|amount",
      "\"amount\": -1|amount",
      "\"amount\": -0.01|amount",
      "\"amount\": \"10\"|amount",
      "\"amount\": 0.000000001|amount",
      "\"amount\": 1000000000.01|amount",
      "\"amount\": 1000000000.000000001|amount",
      "\"amount\": 1e400|amount",
      "\"amount\": null|amount",
      "\"amount\": true|amount",
      "\"other\": 1|amount",
  })
  void badAmountsAreRejectedNamingTheField(String amountJson, String field) {
    UUID walletId = createWallet("1");
    String body = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\"," + amountJson + "}";
    assertProblem(post("/api/v1/wallet", body), 400, "VALIDATION_FAILED", field);
  }

  /** A USD wallet takes two fractional digits: a third is 422 AMOUNT_PRECISION, naming the field (issue #31). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"1.001", "0.001", "1e-7", "1.00000001"})
  void amountsFinerThanTheWalletsAssetAre422AmountPrecision(String amount) {
    UUID walletId = createWallet("1");
    String body = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":" + amount + "}";
    assertProblem(post("/api/v1/wallet", body), 422, "AMOUNT_PRECISION", null);
    assertProblem(post("/api/v1/wallets", "{\"initialBalance\": " + amount + "}"), 422, "AMOUNT_PRECISION", null);
  }

  /**
   * Assets (issue #31): a wallet is created in one (default USD), answers every amount with its
   * precision, takes amounts of that precision only; an admin adds an asset, once; nobody else does.
   */
  @Test
  void aWalletHoldsOneAssetAndItsAmountsHaveThatAssetsPrecision() {
    HttpResponse<Buffer> assets = get("/api/v1/assets");
    assertEquals(200, assets.statusCode(), assets.bodyAsString());
    assertTrue(assets.bodyAsString().contains("{\"code\":\"JPY\",\"precision\":0}"), assets.bodyAsString());
    assertTrue(assets.bodyAsString().contains("{\"code\":\"BTC\",\"precision\":8}"), assets.bodyAsString());

    HttpResponse<Buffer> usd = post("/api/v1/wallets", "{}");
    assertEquals("USD", usd.bodyAsJsonObject().getString("asset"), "the default asset");
    assertTrue(usd.bodyAsString().contains("\"creditLimit\":0.00"), usd.bodyAsString());

    HttpResponse<Buffer> yen = post("/api/v1/wallets", "{\"asset\":\"JPY\",\"initialBalance\":1500}");
    assertEquals(201, yen.statusCode(), yen.bodyAsString());
    assertTrue(yen.bodyAsString().contains("\"balance\":1500,"), "no fractional digits: " + yen.bodyAsString());
    UUID yenWallet = UUID.fromString(yen.bodyAsJsonObject().getString("walletId"));
    assertProblem(post("/api/v1/wallet", "{\"walletId\":\"" + yenWallet + "\",\"operationType\":\"WITHDRAW\",\"amount\":0.5}"),
        422, "AMOUNT_PRECISION", null);
    HttpResponse<Buffer> withdraw = post("/api/v1/wallet", "{\"walletId\":\"" + yenWallet
        + "\",\"operationType\":\"WITHDRAW\",\"amount\":200}");
    assertEquals(202, withdraw.statusCode(), withdraw.bodyAsString());
    assertTrue(withdraw.bodyAsString().contains("\"asset\":\"JPY\",\"amount\":200,"), withdraw.bodyAsString());
    assertTrue(get("/api/v1/wallets/" + yenWallet).bodyAsString().contains("\"balance\":1500,"), "read back from the cache");

    HttpResponse<Buffer> btc = post("/api/v1/wallets", "{\"asset\":\"BTC\",\"initialBalance\":0.12345678}");
    assertEquals(201, btc.statusCode(), btc.bodyAsString());
    assertTrue(btc.bodyAsString().contains("\"balance\":0.12345678,"), btc.bodyAsString());

    assertProblem(post("/api/v1/wallets", "{\"asset\":\"XAU\"}"), 422, "UNKNOWN_ASSET", null);
    assertProblem(post("/api/v1/wallets", "{\"asset\":\"eur\"}"), 400, "VALIDATION_FAILED", "asset");

    String code = "T" + Long.toString(System.nanoTime(), 36).toUpperCase(java.util.Locale.ROOT);
    String asset = "{\"code\":\"" + code + "\",\"precision\":3}";
    assertProblem(post("/api/v1/assets", asset), 403, "FORBIDDEN", null);
    WebClient admin = Tokens.client(vertx, port, Tokens.admin(authentication));
    HttpResponse<Buffer> added = Await.result(admin.post("/api/v1/assets").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(asset)));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertProblem(Await.result(admin.post("/api/v1/assets").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"code\":\"" + code + "\",\"precision\":2}"))), 409, "ASSET_ALREADY_EXISTS", null);
    for (String bad : List.of("{\"code\":\"X\",\"precision\":2}", "{\"code\":\"" + code + "1\",\"precision\":9}",
        "{\"code\":\"" + code + "2\",\"precision\":1.5}", "{\"code\":\"" + code + "3\"}")) {
      HttpResponse<Buffer> refused = Await.result(admin.post("/api/v1/assets").putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(bad)));
      assertEquals(400, refused.statusCode(), bad + " -> " + refused.bodyAsString());
    }
    HttpResponse<Buffer> custom = post("/api/v1/wallets", "{\"asset\":\"" + code + "\",\"initialBalance\":1.5}");
    assertEquals(201, custom.statusCode(), custom.bodyAsString());
    assertTrue(custom.bodyAsString().contains("\"balance\":1.500,"), custom.bodyAsString());
  }

  /**
   * A credit limit creates money (the wallet may pay out what nobody brought in): only a funding
   * principal sets one at creation, only an admin changes it, never below what the wallet already owes.
   */
  @Test
  void aCreditLimitIsSetWithFundingAndChangedByAnAdminOnly() {
    WebClient unfunded = Tokens.client(vertx, port, Tokens.unfundedUser(authentication));
    assertProblem(Await.result(unfunded.post("/api/v1/wallets").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"creditLimit\": 100}"))), 403, "FORBIDDEN", null);
    HttpResponse<Buffer> created = post("/api/v1/wallets", "{\"creditLimit\": 100}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertTrue(created.bodyAsString().contains("\"creditLimit\":100.00"), created.bodyAsString());
    String walletId = created.bodyAsJsonObject().getString("walletId");

    String path = "/api/v1/wallets/" + walletId;
    HttpResponse<Buffer> byOwner = Await.result(client.patch(path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"creditLimit\": 1000}")));
    assertProblem(byOwner, 403, "FORBIDDEN", null);
    WebClient admin = Tokens.client(vertx, port, Tokens.admin(authentication));
    HttpResponse<Buffer> changed = Await.result(admin.patch(path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"creditLimit\": 250.5}")));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertTrue(changed.bodyAsString().contains("\"creditLimit\":250.50"), changed.bodyAsString());
    assertEquals(1, changed.bodyAsJsonObject().getLong("version"), "the version grows");
    assertTrue(get(path).bodyAsString().contains("\"creditLimit\":250.50"), "the cache has the new state");
    assertProblem(Await.result(admin.patch(path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"creditLimit\": 0.001}"))), 422, "AMOUNT_PRECISION", null);
    assertProblem(Await.result(admin.patch(path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"creditLimit\": -1}"))), 400, "VALIDATION_FAILED", "creditLimit");
    assertProblem(Await.result(admin.patch("/api/v1/wallets/" + UUID.randomUUID()).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"creditLimit\": 1}"))), 404, "WALLET_NOT_FOUND", null);
  }

  @Test
  void theLargestAmountAndTwoDecimalsAreAccepted() {
    UUID walletId = createWallet("1");
    for (String amount : List.of("1000000000.00", "1000000000", "0.01", "1.10", "1e2")) {
      HttpResponse<Buffer> accepted = post("/api/v1/wallet", "{\"walletId\":\"" + walletId
          + "\",\"operationType\":\"DEPOSIT\",\"amount\":" + amount + "}");
      assertEquals(202, accepted.statusCode(), amount + " -> " + accepted.bodyAsString());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"operationType\":\"DEPOSIT\",\"amount\":1}|walletId",
      "{\"walletId\":\"nope\",\"operationType\":\"DEPOSIT\",\"amount\":1}|walletId",
      "{\"walletId\":\"WALLET\",\"amount\":1}|operationType",
      "{\"walletId\":\"WALLET\",\"operationType\":\"STEAL\",\"amount\":1}|operationType",
      "{\"walletId\":\"WALLET\",\"operationType\":\"deposit\",\"amount\":1}|operationType",
      "{\"walletId\":\"WALLET\",\"operationType\":\"DEPOSIT\",\"amount\":1,\"operationId\":\"x\"}|operationId",
      "[1,2]|body",
  })
  void badOperationFieldsAreRejectedNamingTheField(String body, String field) {
    UUID walletId = createWallet("1");
    assertProblem(post("/api/v1/wallet", body.replace("WALLET", walletId.toString())), 400, "VALIDATION_FAILED", field);
  }

  @Test
  void malformedJsonWrongContentTypeAndOversizedBodiesGetTheirOwnProblems() {
    assertProblem(post("/api/v1/wallet", "{\"walletId\": "), 400, "MALFORMED_JSON", null);
    assertProblem(post("/api/v1/wallet", "{\"amount\": NaN}"), 400, "MALFORMED_JSON", null);
    HttpResponse<Buffer> text = Await.result(client.post("/api/v1/wallet").putHeader("content-type", "text/plain")
        .sendBuffer(Buffer.buffer("DEPOSIT 1")));
    assertProblem(text, 415, "UNSUPPORTED_MEDIA_TYPE", null);
    String big = "{\"pad\":\"" + "x".repeat(70_000) + "\"}";
    assertProblem(post("/api/v1/wallet", big), 413, "PAYLOAD_TOO_LARGE", null);
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405WithAllow() {
    assertProblem(get("/api/v1/nothing-here"), 404, "NOT_FOUND", null);
    HttpResponse<Buffer> wrongMethod = Await.result(client.delete("/api/v1/wallets/" + UUID.randomUUID()).send());
    assertProblem(wrongMethod, 405, "METHOD_NOT_ALLOWED", null);
    assertEquals("GET, PATCH", wrongMethod.getHeader("Allow"));
  }

  @Test
  void operationLookupsOfUnknownOperationsAndWalletsAre404() {
    UUID walletId = createWallet("1");
    String emptyTopic = "wallet.operations.empty-" + UUID.randomUUID();
    Await.result(KafkaClients.ensureTopics(vertx, settings.kafka(), List.of(emptyTopic)));
    WebClient caughtUp = deployWith(config.with("WALLET_OPERATIONS_TOPIC", emptyTopic));
    assertProblem(Await.result(caughtUp.get("/api/v1/wallets/" + walletId + "/operations/" + UUID.randomUUID()).send()),
        404, "OPERATION_NOT_FOUND", null);
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations/not-a-uuid"), 400, "VALIDATION_FAILED", "operationId");
    assertProblem(get("/api/v1/wallets/" + UUID.randomUUID() + "/operations"), 404, "WALLET_NOT_FOUND", null);
  }

  /**
   * Nothing applies operations in this class, so the topic always holds unapplied ones: an
   * operationId without a claim may be one of them (accepted while Redis was down, or its claim
   * evicted). Answering 404 would tell a client that retries under a new id to pay twice.
   */
  @Test
  void anOperationIdWithoutAClaimIs503WithRetryAfterWhileTheWorkerHasNotAppliedEverythingAcceptedBefore() {
    UUID walletId = createWallet("1");
    assertEquals(202, post("/api/v1/wallet", "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\","
        + "\"amount\":1}").statusCode(), "at least one operation waits to be applied");
    HttpResponse<Buffer> unknown = get("/api/v1/wallets/" + walletId + "/operations/" + UUID.randomUUID());
    assertProblem(unknown, 503, "SERVICE_UNAVAILABLE", null);
    assertNotNull(unknown.getHeader("Retry-After"));
  }

  @Test
  void aClaimWithinItsProducingWindowReadsAsPending() {
    UUID walletId = createWallet("1");
    UUID operationId = UUID.randomUUID();
    // What a wallet-api leaves while its record is on its way to the log (or when it died right then).
    OperationGuard guard = new OperationGuard(redis, RedisSettings.from(config).keyPrefix(), Duration.ofMinutes(1),
        Duration.ofMinutes(1));
    assertTrue(Await.result(guard.tryClaim(operationId, new OperationGuard.Claim(walletId, OperationType.DEPOSIT,
        Money.ofMinor(250), java.time.Instant.now(), null))));
    HttpResponse<Buffer> read = get("/api/v1/wallets/" + walletId + "/operations/" + operationId);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals("PENDING", read.bodyAsJsonObject().getString("status"));
    assertTrue(read.bodyAsString().contains("\"amount\":2.50"), read.bodyAsString());
  }

  /**
   * What a wallet-api leaves when it died between its claim and its produce: a claim and no record.
   * Past its producing window it reads PENDING only while the worker may still apply it (it has not
   * applied everything accepted before), then 404; the client's retry produces the record then and
   * there, from the claim (#33: claims are written once, never marked after the broker's answer).
   */
  @Test
  void aClaimWhoseAccepterDiedBeforeItsProduceReads404OnceTheWorkerHasCaughtUpAndARetryProducesIt() {
    String group = "died-" + UUID.randomUUID();
    String topic = "wallet.operations.died-" + UUID.randomUUID();
    Config died = config.with("WORKER_GROUP_ID", group).with("WALLET_OPERATIONS_TOPIC", topic);
    WalletApiSettings diedSettings = WalletApiSettings.from(died);
    Await.result(KafkaClients.ensureTopics(vertx, diedSettings.kafka(), List.of(topic)));
    WebClient api = deployWith(died);
    UUID walletId = createWallet("1");
    UUID operationId = UUID.randomUUID();
    java.time.Instant claimedAt = java.time.Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    OperationGuard guard = new OperationGuard(redis, RedisSettings.from(config).keyPrefix(), Duration.ofSeconds(12),
        Duration.ofHours(1));
    assertTrue(Await.result(guard.tryClaim(operationId, new OperationGuard.Claim(walletId, OperationType.DEPOSIT,
        Money.ofMinor(250), claimedAt, null))));
    String path = "/api/v1/wallets/" + walletId + "/operations/" + operationId;
    java.util.function.Function<String, HttpResponse<Buffer>> submit = body -> Await.result(api.post("/api/v1/wallet")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));

    // Another operation waits to be applied: the claimed one could be in the log before it.
    assertEquals(202, submit.apply("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}")
        .statusCode());
    HttpResponse<Buffer> waiting = Await.result(api.get(path).send());
    assertEquals(200, waiting.statusCode(), waiting.bodyAsString());
    assertEquals("PENDING", waiting.bodyAsJsonObject().getString("status"));

    // The worker has applied everything in the log, and nothing with this id: it never reached the log.
    commitEndOffsets(diedSettings, group, topic);
    assertProblem(Await.result(api.get(path).send()), 404, "OPERATION_NOT_FOUND", null);
    assertEquals(0, recordsOf(diedSettings, topic, operationId), "nothing with its id in the log");

    // The client that got no answer retries: accepted at once, its record produced from the claim.
    HttpResponse<Buffer> retried = submit.apply("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\","
        + "\"amount\":2.50,\"operationId\":\"" + operationId + "\"}");
    assertEquals(202, retried.statusCode(), retried.bodyAsString());
    assertEquals("PENDING", retried.bodyAsJsonObject().getString("status"));
    assertEquals(claimedAt, java.time.Instant.parse(retried.bodyAsJsonObject().getString("acceptedAt")));
    assertEquals(1, recordsOf(diedSettings, topic, operationId), "its record is in the log once");
    HttpResponse<Buffer> again = Await.result(api.get(path).send());
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals("PENDING", again.bodyAsJsonObject().getString("status"), "waiting to be applied again");
  }

  /** How many records of the topic carry this operationId. */
  private static int recordsOf(WalletApiSettings settings, String topic, UUID operationId) {
    java.util.Properties properties = new java.util.Properties();
    properties.put("bootstrap.servers", settings.kafka().bootstrapServers());
    properties.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    properties.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(properties)) {
      List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var ends = consumer.endOffsets(partitions);
      int found = 0;
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value().contains(operationId.toString())) {
            found++;
          }
        }
      }
      return found;
    }
  }

  /**
   * The worker's window between its PostgreSQL commit and its Redis refresh, held open: the
   * operation already reads COMPLETED (from PostgreSQL) while the cache still has the old balance.
   * Once a client has read COMPLETED, the wallet's GET must not answer the balance from before it.
   */
  @Test
  void onceAnOperationReadsCompletedTheWalletNeverAnswersAnOlderVersion() {
    UUID walletId = createWallet("1");
    assertEquals(0, get("/api/v1/wallets/" + walletId).bodyAsJsonObject().getLong("version"), "cached at version 0");
    UUID operationId = UUID.randomUUID();
    Pool pool = PgPools.create(vertx, settings.pg(), "wallet-api-test-worker");
    try {
      Await.result(pool.withTransaction(tx -> tx.preparedQuery(
              "UPDATE wallets SET balance_minor = 600, version = 1, updated_at = now() WHERE wallet_id = $1")
          .execute(Tuple.of(walletId))
          .compose(ignored -> tx.preparedQuery("""
              INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,
                                             balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset)
              VALUES ($1, $2, 'DEPOSIT', 500, 'COMPLETED', 600, now(), now(), 0, 0)""")
              .execute(Tuple.of(operationId, walletId)))));
    } finally {
      pool.close();
    }
    HttpResponse<Buffer> operation = get("/api/v1/wallets/" + walletId + "/operations/" + operationId);
    assertEquals(200, operation.statusCode(), operation.bodyAsString());
    assertEquals("COMPLETED", operation.bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> wallet = get("/api/v1/wallets/" + walletId);
    assertEquals(1, wallet.bodyAsJsonObject().getLong("version"), wallet.bodyAsString());
    assertTrue(wallet.bodyAsString().contains("\"balance\":6.00"), wallet.bodyAsString());
  }

  /**
   * The statement as CSV: every operation of the period, its own and the transfer it received, oldest
   * first across many pages (2,500 rows: three pages of the export), exact decimals, a field with a
   * comma quoted; 406 for a client that will not take CSV; another principal's wallet does not exist.
   */
  @Test
  void aStatementIsTheWholePeriodAsCsvOldestFirst() {
    UUID walletId = createWallet("0");
    UUID other = createWallet("0");
    Pool pool = PgPools.create(vertx, settings.pg(), "wallet-api-test-statement");
    try {
      // 2,500 deposits of 0.01 a millisecond apart, then a transfer of 1.50 received from the other wallet.
      Await.result(pool.preparedQuery("""
          INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,
                                         balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                         requested_by)
          SELECT gen_random_uuid(), $1, 'DEPOSIT', 1, 'COMPLETED', n, t, t, 0, n, 'ops, night shift'
            FROM generate_series(1, 2500) AS n, LATERAL (SELECT TIMESTAMPTZ '2026-01-01' + n * INTERVAL '1 ms') AS s(t)""")
          .execute(Tuple.of(walletId)));
      Await.result(pool.preparedQuery("""
          INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,
                                         balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                         to_wallet_id, to_balance_after_minor)
          VALUES (gen_random_uuid(), $2, 'TRANSFER', 150, 'COMPLETED', 0, TIMESTAMPTZ '2026-01-02', TIMESTAMPTZ '2026-01-02',
                  0, 9999, $1, 2650)""")
          .execute(Tuple.of(walletId, other)));
    } finally {
      pool.close();
    }
    HttpResponse<Buffer> csv = Await.result(client.get("/api/v1/wallets/" + walletId + "/statement")
        .putHeader("Accept", "text/csv").send());
    assertEquals(200, csv.statusCode(), csv.bodyAsString());
    assertEquals("text/csv; charset=utf-8", csv.getHeader("Content-Type"));
    assertTrue(csv.getHeader("Content-Disposition").contains("statement-" + walletId + ".csv"));
    String[] lines = csv.bodyAsString().split("\r\n", -1);
    assertEquals("", lines[lines.length - 1], "every row ends with CRLF");
    assertEquals(1 + 2500 + 1, lines.length - 1, "the header, 2,500 deposits and the transfer");
    assertTrue(lines[0].startsWith("operationId,operationType,status,failureReason,asset,amount,balanceAfter,"), lines[0]);
    assertTrue(lines[1].contains(",DEPOSIT,COMPLETED,,USD,0.01,0.01,,,,,\"ops, night shift\",2026-01-01T00:00:00.001"),
        lines[1]);
    assertTrue(lines[2500].contains(",USD,0.01,25.00,"), "oldest first: " + lines[2500]);
    assertTrue(lines[2501].contains(",TRANSFER,COMPLETED,,USD,1.50,26.50," + other + ",,"), "the credit as the wallet sees it: "
        + lines[2501]);

    HttpResponse<Buffer> period = Await.result(client.get("/api/v1/wallets/" + walletId
        + "/statement?from=2026-01-01T00:00:01Z&to=2026-01-01T00:00:02Z").send());
    assertEquals(200, period.statusCode());
    assertEquals(1 + 1000, period.bodyAsString().split("\r\n").length, "1,000 deposits in that second (1.000 to 1.999 s)");

    assertProblem(Await.result(client.get("/api/v1/wallets/" + walletId + "/statement")
        .putHeader("Accept", "application/json").send()), 406, "NOT_ACCEPTABLE", null);
    assertProblem(get("/api/v1/wallets/" + walletId + "/statement?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"),
        400, "VALIDATION_FAILED", "to");
    WebClient stranger = Tokens.client(vertx, port, Tokens.user(authentication));
    HttpResponse<Buffer> notTheirs = Await.result(stranger.get("/api/v1/wallets/" + walletId + "/statement").send());
    assertProblem(notTheirs, 404, "WALLET_NOT_FOUND", null);
  }

  @Test
  void walletsAndOperationsKeepTheirMetadataAndAnOperationIdWithOtherMetadataIsAnotherRequest() {
    HttpResponse<Buffer> created = post("/api/v1/wallets",
        "{\"initialBalance\": 5, \"metadata\": {\"customer\": \"c-17\", \"tier\": \"gold\"}}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject metadata = new JsonObject().put("customer", "c-17").put("tier", "gold");
    assertEquals(metadata, created.bodyAsJsonObject().getJsonObject("metadata"));
    UUID walletId = UUID.fromString(created.bodyAsJsonObject().getString("walletId"));
    assertEquals(metadata, get("/api/v1/wallets/" + walletId).bodyAsJsonObject().getJsonObject("metadata"));
    assertEquals(new JsonObject(), get("/api/v1/wallets/" + createWallet("0")).bodyAsJsonObject().getJsonObject("metadata"),
        "none is written {}");
    // A wallet this process never saw: its metadata comes from PostgreSQL.
    UUID stored = UUID.randomUUID();
    sql("""
        INSERT INTO wallets (wallet_id, balance_minor, initial_balance_minor, owner_id, version, asset, metadata)
        SELECT $1, 0, 0, owner_id, 0, 'USD', '{"from": "sql"}'::jsonb FROM wallets WHERE wallet_id = $2""",
        Tuple.of(stored, walletId));
    assertEquals(new JsonObject().put("from", "sql"),
        get("/api/v1/wallets/" + stored).bodyAsJsonObject().getJsonObject("metadata"));

    UUID operationId = UUID.randomUUID();
    String body = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"WITHDRAW\",\"amount\":1,\"operationId\":\""
        + operationId + "\",\"metadata\":{\"invoice\":\"INV-9\"}}";
    HttpResponse<Buffer> accepted = post("/api/v1/wallet", body);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(new JsonObject().put("invoice", "INV-9"), accepted.bodyAsJsonObject().getJsonObject("metadata"));
    HttpResponse<Buffer> pending = get("/api/v1/wallets/" + walletId + "/operations/" + operationId);
    assertEquals(new JsonObject().put("invoice", "INV-9"), pending.bodyAsJsonObject().getJsonObject("metadata"),
        pending.bodyAsString());
    assertEquals(202, post("/api/v1/wallet", body).statusCode(), "the same request again");
    assertProblem(post("/api/v1/wallet", body.replace("INV-9", "INV-10")), 422, "IDEMPOTENCY_KEY_REUSED", null);
    assertProblem(post("/api/v1/wallet", body.replace(",\"metadata\":{\"invoice\":\"INV-9\"}", "")), 422,
        "IDEMPOTENCY_KEY_REUSED", null);

    assertProblem(post("/api/v1/wallets", "{\"metadata\": {\"n\": 1}}"), 400, "VALIDATION_FAILED", "metadata");
    assertProblem(post("/api/v1/wallet", body.replace("{\"invoice\":\"INV-9\"}", "[\"INV-9\"]")), 400,
        "VALIDATION_FAILED", "metadata");
  }

  @Test
  void theListFiltersByTypeStatusAmountAndMetadataAcrossPages() {
    UUID walletId = createWallet("0");
    UUID sender = createWallet("0");
    // 40 operations a second apart: n odd DEPOSIT, even WITHDRAW; every 5th FAILED; amount n cents;
    // metadata {"batch": "b<n % 3>"} on all but every 4th, {"vip": "yes"} beside it on n % 6 == 0.
    sql("""
        INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                       balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                       requested_by, metadata)
        SELECT gen_random_uuid(), $1, CASE WHEN n % 2 = 1 THEN 'DEPOSIT' ELSE 'WITHDRAW' END, n,
               CASE WHEN n % 5 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
               CASE WHEN n % 5 = 0 THEN 'INSUFFICIENT_FUNDS' END, 0, t, t, 0, n, 'filters',
               CASE WHEN n % 4 = 0 THEN NULL
                    WHEN n % 6 = 0 THEN jsonb_build_object('batch', 'b' || n % 3, 'vip', 'yes')
                    ELSE jsonb_build_object('batch', 'b' || n % 3) END
          FROM generate_series(1, 40) AS n, LATERAL (SELECT TIMESTAMPTZ '2026-03-01' + n * INTERVAL '1 s') AS s(t)""",
        Tuple.of(walletId));
    // A transfer the wallet received, tagged by its sender: found on the destination's list too.
    sql("""
        INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,
                                       balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                       to_wallet_id, to_balance_after_minor, metadata)
        VALUES (gen_random_uuid(), $2, 'TRANSFER', 777, 'COMPLETED', 0, TIMESTAMPTZ '2026-03-02', TIMESTAMPTZ '2026-03-02',
                0, 99, $1, 777, '{"batch": "b1", "payroll": "march"}')""", Tuple.of(walletId, sender));
    String list = "/api/v1/wallets/" + walletId + "/operations?limit=500";
    assertEquals(41, items(get(list)).size());
    assertEquals(List.of(40L, 38L, 36L), amountsInCents(get(list + "&operationType=WITHDRAW")).subList(0, 3));
    assertEquals(20, items(get(list + "&operationType=WITHDRAW")).size());
    assertEquals(List.of(40L, 35L, 30L, 25L, 20L, 15L, 10L, 5L), amountsInCents(get(list + "&status=FAILED")));
    assertEquals(List.of(7L, 5L, 3L), amountsInCents(get(list + "&minAmount=0.03&maxAmount=0.07&operationType=DEPOSIT")));
    assertEquals(List.of(7L, 3L), amountsInCents(get(list + "&minAmount=0.03&maxAmount=0.07&operationType=DEPOSIT"
        + "&status=COMPLETED")));
    assertEquals(List.of(777L), amountsInCents(get(list + "&minAmount=1")), "the received transfer, in the destination's view");
    // b1: n % 3 == 1 and n % 4 != 0 -> 1, 7, 10, 13, 19, 22, 25, 31, 34, 37, and the received transfer.
    assertEquals(List.of(777L, 37L, 34L, 31L, 25L, 22L, 19L, 13L, 10L, 7L, 1L),
        amountsInCents(get(list + "&metadata%5Bbatch%5D=b1")));
    assertEquals(List.of(777L), amountsInCents(get(list + "&metadata[batch]=b1&metadata[payroll]=march")), "ANDed");
    assertEquals(List.of(30L, 18L, 6L), amountsInCents(get(list + "&metadata[vip]=yes")));
    assertEquals(List.of(30L), amountsInCents(get(list + "&metadata[vip]=yes&status=FAILED")));
    assertEquals(List.of(), amountsInCents(get(list + "&metadata[batch]=b9")));
    // The filter holds across the pages of a cursor.
    List<Long> paged = new java.util.ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> page = get("/api/v1/wallets/" + walletId + "/operations?limit=3&metadata[batch]=b1"
          + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, page.statusCode(), page.bodyAsString());
      paged.addAll(amountsInCents(page));
      cursor = page.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    assertEquals(List.of(777L, 37L, 34L, 31L, 25L, 22L, 19L, 13L, 10L, 7L, 1L), paged);
    // 4,100 newer operations without metadata: past the first walk of the wallet's own rows, where a
    // value that rare is found through the index instead; the answers are the same.
    sql("""
        INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,
                                       balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset)
        SELECT gen_random_uuid(), $1, 'DEPOSIT', 1, 'COMPLETED', 0, t, t, 1, n
          FROM generate_series(1, 4100) AS n, LATERAL (SELECT TIMESTAMPTZ '2026-03-03' + n * INTERVAL '1 s') AS s(t)""",
        Tuple.of(walletId));
    assertEquals(List.of(777L, 37L, 34L, 31L, 25L, 22L, 19L, 13L, 10L, 7L, 1L),
        amountsInCents(get(list + "&metadata[batch]=b1")));
    List<Long> vip = new java.util.ArrayList<>();
    String after = null;
    do {
      HttpResponse<Buffer> page = get("/api/v1/wallets/" + walletId + "/operations?limit=2&metadata[vip]=yes"
          + (after == null ? "" : "&cursor=" + after));
      vip.addAll(amountsInCents(page));
      after = page.bodyAsJsonObject().getString("nextCursor");
    } while (after != null);
    assertEquals(List.of(30L, 18L, 6L), vip);
    JsonObject tagged = items(get(list + "&metadata[payroll]=march")).getJsonObject(0);
    assertEquals(new JsonObject().put("batch", "b1").put("payroll", "march"), tagged.getJsonObject("metadata"));
    assertEquals(sender.toString(), tagged.getString("fromWalletId"));

    String base = "/api/v1/wallets/" + walletId + "/operations?";
    assertProblem(get(base + "metadata[]=x"), 400, "VALIDATION_FAILED", "metadata[]");
    assertProblem(get(base + "metadata=x"), 400, "VALIDATION_FAILED", "metadata");
    assertProblem(get(base + "metadata[a]=1&metadata[a]=2"), 400, "VALIDATION_FAILED", "metadata[a]");
    assertProblem(get(base + "metadata[" + "n".repeat(41) + "]=1"), 400, "VALIDATION_FAILED",
        "metadata[" + "n".repeat(41) + "]");
    assertProblem(get(base + "minAmount=ten"), 400, "VALIDATION_FAILED", "minAmount");
    assertProblem(get(base + "minAmount=0.001"), 400, "VALIDATION_FAILED", "minAmount");
    assertProblem(get(base + "minAmount=5&maxAmount=4"), 400, "VALIDATION_FAILED", "maxAmount");
    assertProblem(get(base + "status=PENDING"), 400, "VALIDATION_FAILED", "status");
    assertProblem(get(base + "operationType=REFUND"), 400, "VALIDATION_FAILED", "operationType");
  }

  /** Runs one statement on the wallet database, as the worker would have written it. */
  private static void sql(String statement, Tuple arguments) {
    Pool pool = PgPools.create(vertx, settings.pg(), "wallet-api-test-sql");
    try {
      Await.result(pool.preparedQuery(statement).execute(arguments));
    } finally {
      pool.close();
    }
  }

  private static JsonArray items(HttpResponse<Buffer> page) {
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("items");
  }

  private static List<Long> amountsInCents(HttpResponse<Buffer> page) {
    List<Long> amounts = new java.util.ArrayList<>();
    items(page).forEach(item -> amounts.add(new java.math.BigDecimal(((JsonObject) item).getValue("amount").toString())
        .movePointRight(2).longValueExact()));
    return amounts;
  }

  @Test
  void listingValidatesLimitAndCursor() {
    UUID walletId = createWallet("1");
    HttpResponse<Buffer> empty = get("/api/v1/wallets/" + walletId + "/operations");
    assertEquals(200, empty.statusCode(), empty.bodyAsString());
    assertEquals(0, empty.bodyAsJsonObject().getJsonArray("items").size());
    assertNull(empty.bodyAsJsonObject().getValue("nextCursor"));
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations?limit=0"), 400, "VALIDATION_FAILED", "limit");
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations?limit=501"), 400, "VALIDATION_FAILED", "limit");
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations?limit=ten"), 400, "VALIDATION_FAILED", "limit");
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations?cursor=zzzz"), 400, "VALIDATION_FAILED", "cursor");
  }

  @Test
  void aBalanceMissingFromRedisIsReadFromPostgresAndCachedAgain() {
    UUID walletId = createWallet("7.77");
    String key = RedisSettings.from(config).keyPrefix() + "wallet:" + walletId;
    Await.result(redis.send(Request.cmd(Command.DEL).arg(key)));
    HttpResponse<Buffer> fetched = get("/api/v1/wallets/" + walletId);
    assertEquals(200, fetched.statusCode());
    assertTrue(fetched.bodyAsString().contains("\"balance\":7.77"), fetched.bodyAsString());
    assertEquals("777", Await.result(redis.send(Request.cmd(Command.HGET).arg(key).arg("balance"))).toString());
  }

  @Test
  void operationalEndpointsReportHealthMetricsAndTheContract() {
    HttpResponse<Buffer> health = get("/health");
    assertEquals(200, health.statusCode(), health.bodyAsString());
    assertEquals("UP", health.bodyAsJsonObject().getString("status"));
    List<String> ids = new ArrayList<>();
    health.bodyAsJsonObject().getJsonArray("checks").forEach(check -> ids.add(((JsonObject) check).getString("id")));
    assertEquals(List.of("postgres", "redis", "kafka", "readiness", "consumers"), ids);

    createWallet("1");
    assertProblem(get("/metrics"), 403, "FORBIDDEN", null);
    assertProblem(Await.result(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port))
        .get("/metrics").send()), 401, "UNAUTHENTICATED", null);
    String metrics = Await.result(Tokens.client(vertx, port, Tokens.admin(authentication)).get("/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("vertx_http_server_requests_total"), "HTTP metrics");
    assertTrue(metrics.contains("vertx_pool_"), "pool metrics");

    HttpResponse<Buffer> contract = get("/openapi/wallet-api.yaml");
    assertEquals(200, contract.statusCode());
    assertTrue(contract.bodyAsString().contains("operationId: submitOperation"));
    assertTrue(contract.bodyAsString().contains("application/problem+json"));
  }

  @Test
  void whenKafkaIsDownAnOperationIs503AndNothingIsLeftHalfDone() {
    UUID walletId = createWallet("1");
    WalletApiSettings brokenKafka = WalletApiSettings.from(config
        .with("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
        .with("KAFKA_SEND_TIMEOUT_MS", "1500"));
    HttpFrontVerticle verticle = new HttpFrontVerticle(brokenKafka.http(), runtime.registry(), authentication,
        List.of(WalletApi.factory(brokenKafka, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
    Await.result(vertx.deployVerticle(verticle));
    WebClient broken = Tokens.client(vertx, verticle.actualPort(), token);
    UUID operationId = UUID.randomUUID();
    String body = "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1,\"operationId\":\"" + operationId + "\"}";

    HttpResponse<Buffer> refused = Await.result(broken.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
    assertProblem(refused, 503, "SERVICE_UNAVAILABLE", null);
    assertNotNull(refused.getHeader("Retry-After"));
    assertEquals(operationId.toString(), refused.bodyAsJsonObject().getString("operationId"), "the id to retry with");
    HttpResponse<Buffer> refusedWithoutId = Await.result(broken.post("/api/v1/wallet")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}")));
    assertProblem(refusedWithoutId, 503, "SERVICE_UNAVAILABLE", null);
    UUID chosen = UUID.fromString(refusedWithoutId.bodyAsJsonObject().getString("operationId"));
    assertNotEquals(operationId, chosen, "the server chose one the client can retry with");
    // The claim was given back, but a produce that timed out may still have reached the log: while the
    // worker has not applied everything accepted before, the lookup cannot say 404. A retry is accepted.
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations/" + operationId), 503, "SERVICE_UNAVAILABLE", null);
    assertEquals(202, post("/api/v1/wallet", body).statusCode());

    HttpResponse<Buffer> health = Await.result(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(verticle.actualPort())).get("/health").send());
    assertEquals(503, health.statusCode(), health.bodyAsString());
    assertEquals("DOWN", health.bodyAsJsonObject().getString("status"));
    JsonObject kafka = health.bodyAsJsonObject().getJsonArray("checks").getJsonObject(2);
    assertEquals("kafka", kafka.getString("id"));
    assertEquals("DOWN", kafka.getString("status"));
    assertFalse(health.bodyAsString().contains("127.0.0.1") || kafka.containsKey("error"),
        "anonymous health names no reason and no address: " + health.bodyAsString());
    JsonObject detailed = Await.result(Tokens.client(vertx, verticle.actualPort(), Tokens.admin(authentication))
        .get("/health").send()).bodyAsJsonObject().getJsonArray("checks").getJsonObject(2);
    assertNotNull(detailed.getString("error"), "an admin sees why: " + detailed);
    assertNotEquals("DOWN", health.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("status"));
  }

  private static WebClient deployWith(Config changed) {
    return Tokens.client(vertx, deployPortWith(changed), token);
  }

  private static int deployPortWith(Config changed) {
    return deployPortWith(changed, authentication);
  }

  private static int deployPortWith(Config changed, Authentication authentication) {
    WalletApiSettings changedSettings = WalletApiSettings.from(changed);
    HttpFrontVerticle verticle = new HttpFrontVerticle(changedSettings.http(), runtime.registry(), authentication,
        List.of(WalletApi.factory(changedSettings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
    Await.result(vertx.deployVerticle(verticle));
    return verticle.actualPort();
  }

  private static void acceptsAndServesBalancesWithout(WebClient degraded, String why) {
    UUID walletId = createWallet("7.25");
    UUID operationId = UUID.randomUUID();
    HttpResponse<Buffer> accepted = Await.result(degraded.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1,"
            + "\"operationId\":\"" + operationId + "\"}")));
    assertEquals(202, accepted.statusCode(), why + ": " + accepted.bodyAsString());
    assertEquals("PENDING", accepted.bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> read = Await.result(degraded.get("/api/v1/wallets/" + walletId + "/operations/" + operationId)
        .send());
    assertNotEquals(404, read.statusCode(), why + ": an accepted operation is never 404: " + read.bodyAsString());
    if (read.statusCode() == 200) {
      assertEquals("PENDING", read.bodyAsJsonObject().getString("status"), why + ": the claim fit");
    } else {
      assertProblem(read, 503, "SERVICE_UNAVAILABLE", null);
      assertNotNull(read.getHeader("Retry-After"), why + ": not yet known");
    }
    HttpResponse<Buffer> wallet = Await.result(degraded.get("/api/v1/wallets/" + walletId).send());
    assertEquals(200, wallet.statusCode(), why + ": " + wallet.bodyAsString());
    assertTrue(wallet.bodyAsString().contains("\"balance\":7.25"), wallet.bodyAsString());
  }

  @Test
  void withRedisUnreachableOperationsAreStillAcceptedAndBalancesServedFromPostgresql() {
    acceptsAndServesBalancesWithout(deployWith(config.with("REDIS_URL", "redis://127.0.0.1:1")), "Redis unreachable");
  }

  @Test
  void withRedisFullAndRefusingWritesOperationsAreStillAccepted() throws Exception {
    int redisPort = io.walletplatform.infra.FreePorts.pick();
    redis.embedded.RedisServer full = io.walletplatform.infra.EmbeddedInfrastructure.startRedis(redisPort, "1mb");
    try {
      Redis direct = Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort);
      Await.result(direct.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("noeviction")));
      String filler = "x".repeat(10_000);
      for (int i = 0; i < 200; i++) {
        direct.send(Request.cmd(Command.SET).arg("filler:" + i).arg(filler));
      }
      Await.until("Redis refuses writes", java.time.Duration.ofSeconds(10), () -> Await.result(
          direct.send(Request.cmd(Command.SET).arg("probe").arg(filler)).map(ok -> false).otherwise(error ->
              error.getMessage().contains("OOM"))));
      acceptsAndServesBalancesWithout(deployWith(config.with("REDIS_URL", "redis://127.0.0.1:" + redisPort)),
          "Redis full");
    } finally {
      full.stop();
    }
  }

  @Test
  void anOperationWithTheAmountTwiceIsMalformedJsonNotTheLastAmount() {
    UUID walletId = createWallet("1");
    assertProblem(post("/api/v1/wallet", "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\","
        + "\"amount\":1,\"amount\":1000000}"), 400, "MALFORMED_JSON", null);
    assertProblem(post("/api/v1/wallets", "{\"initialBalance\":1,\"initialBalance\":2}"), 400, "MALFORMED_JSON", null);
  }

  @Test
  void malformedPercentEncodingInThePathOrQueryIs400Problem() {
    UUID walletId = createWallet("1");
    assertProblem(get("/api/v1/wallets/%zz"), 400, "VALIDATION_FAILED", "path");
    assertProblem(get("/api/v1/wallets/%ff"), 400, "VALIDATION_FAILED", "path");
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations?limit=%zz"), 400, "VALIDATION_FAILED", "query");
    assertProblem(get("/api/v1/wallets/" + walletId + "/operations?cursor=%"), 400, "VALIDATION_FAILED", "query");
  }

  @Test
  void headersOverTheLimitAre431Problem() {
    HttpResponse<Buffer> refused = Await.result(client.get("/health").putHeader("X-Big", "a".repeat(20_000)).send());
    assertEquals(431, refused.statusCode());
    assertEquals("application/problem+json", refused.getHeader("content-type"));
    assertEquals("HEADERS_TOO_LARGE", refused.bodyAsJsonObject().getString("code"));
  }

  @Test
  void withPostgresqlAndRedisUnreachableReadsAnswer503WithRetryAfter() {
    WebClient broken = deployWith(config.with("REDIS_URL", "redis://127.0.0.1:1")
        .with("PG_URL", "postgresql://postgres:postgres@127.0.0.1:1"));
    UUID walletId = UUID.randomUUID();
    List<HttpResponse<Buffer>> answers = List.of(
        Await.result(broken.get("/api/v1/wallets/" + walletId).send()),
        Await.result(broken.get("/api/v1/wallets/" + walletId + "/operations").send()),
        Await.result(broken.get("/api/v1/wallets/" + walletId + "/operations/" + UUID.randomUUID()).send()),
        Await.result(broken.post("/api/v1/wallets").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{}"))),
        Await.result(broken.post("/api/v1/wallet").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}"))));
    io.walletplatform.infra.testing.ApiClient.assertUnavailable(answers);
  }

  /** The pid of the redis-server listening on this port, read from /proc. */
  private static long redisPid(int redisPort) throws java.io.IOException {
    try (var processes = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
      for (java.nio.file.Path dir : (Iterable<java.nio.file.Path>) processes::iterator) {
        java.nio.file.Path cmdline = dir.resolve("cmdline");
        if (dir.getFileName().toString().matches("\\d+") && java.nio.file.Files.isReadable(cmdline)) {
          String command = new String(java.nio.file.Files.readAllBytes(cmdline)).replace('\0', ' ');
          if (command.contains("redis-server") && command.contains(":" + redisPort)) {
            return Long.parseLong(dir.getFileName().toString());
          }
        }
      }
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException raced) {
      // a process ended while we looked
    }
    throw new AssertionError("no redis-server on port " + redisPort);
  }

  @Test
  void aRedisThatHangsIsTreatedAsDownWithinTheCommandTimeout() throws Exception {
    int redisPort = io.walletplatform.infra.FreePorts.pick();
    redis.embedded.RedisServer hung = io.walletplatform.infra.EmbeddedInfrastructure.startRedis(redisPort, "16mb");
    long pid = redisPid(redisPort);
    WebClient degraded = deployWith(config.with("REDIS_URL", "redis://127.0.0.1:" + redisPort)
        .with("REDIS_COMMAND_TIMEOUT_MS", "300"));
    try {
      assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
      long start = System.nanoTime();
      acceptsAndServesBalancesWithout(degraded, "Redis hung (SIGSTOP)");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 5_000, "answered in " + millis + " ms, not held by the hung Redis");
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
      hung.stop();
    }
  }
}
