package io.walletplatform.payments;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.migrations.Migrations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.infra.testing.Tokens;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** payments-api's HTTP contract on a real server (port 0) and a real PostgreSQL. */
@ExtendWith(VertxExtension.class)
class PaymentsApiTest {

  private static Vertx vertx;
  private static WebClient client;
  private static Authentication authentication;
  private static String adminToken;
  private static int port;

  @BeforeAll
  static void start() {
    ServiceRuntime runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("paymentsapi");
    PaymentsSettings settings = PaymentsSettings.from(config);
    authentication = Tokens.authentication(vertx, config);
    adminToken = Tokens.admin(authentication);
    Await.result(Migrations.migrate(vertx, settings.pg(), Migrations.PAYMENTS));
    HttpFrontVerticle verticle = new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
        List.of(PaymentsApi.factory(settings)));
    Await.result(vertx.deployVerticle(verticle));
    port = verticle.actualPort();
    client = Tokens.client(vertx, port, adminToken);
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static Future<HttpResponse<Buffer>> postAsync(String path, String body, String idempotencyKey) {
    var request = client.post(path).putHeader("content-type", "application/json");
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  private static HttpResponse<Buffer> post(String path, String body) {
    return Await.result(postAsync(path, body, null));
  }

  private static HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }

  private static UUID openAccount(String initialBalance) {
    UUID userId = UUID.randomUUID();
    HttpResponse<Buffer> created = post("/api/v1/accounts", "{\"userId\":\"" + userId + "\",\"initialBalance\":" + initialBalance + "}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return userId;
  }

  @Test
  void anAccountIsOpenedOncePerUserAndItsOpeningBalanceIsATransaction() {
    UUID userId = UUID.randomUUID();
    HttpResponse<Buffer> created = post("/api/v1/accounts", "{\"userId\":\"" + userId + "\",\"initialBalance\":500}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("/api/v1/accounts/" + userId, created.getHeader("Location"));
    assertTrue(created.bodyAsString().contains("\"balance\":500.00"), created.bodyAsString());
    assertProblem(post("/api/v1/accounts", "{\"userId\":\"" + userId + "\"}"), 409, "ACCOUNT_ALREADY_EXISTS", null);

    JsonObject history = get("/api/v1/accounts/" + userId + "/transactions").bodyAsJsonObject();
    assertEquals(1, history.getJsonArray("items").size());
    assertEquals("DEPOSIT", history.getJsonArray("items").getJsonObject(0).getString("type"));
    HttpResponse<Buffer> empty = post("/api/v1/accounts", "{\"userId\":\"" + UUID.randomUUID() + "\"}");
    assertTrue(empty.bodyAsString().contains("\"balance\":0.00"), empty.bodyAsString());
  }

  @Test
  void aDepositCreditsExactlyAndIsListedNewestFirst() {
    UUID userId = openAccount("0.10");
    HttpResponse<Buffer> deposited = post("/api/v1/accounts/" + userId + "/deposits", "{\"amount\":0.20}");
    assertEquals(200, deposited.statusCode(), deposited.bodyAsString());
    assertTrue(deposited.bodyAsString().contains("\"balance\":0.30"), deposited.bodyAsString());
    assertEquals(1, deposited.bodyAsJsonObject().getLong("version"));
    HttpResponse<Buffer> first = get("/api/v1/accounts/" + userId + "/transactions?limit=1");
    JsonObject page = first.bodyAsJsonObject();
    assertEquals(1, page.getJsonArray("items").size());
    assertTrue(first.bodyAsString().contains("\"balanceAfter\":0.30"), first.bodyAsString());
    HttpResponse<Buffer> second = get("/api/v1/accounts/" + userId + "/transactions?limit=1&cursor=" + page.getString("nextCursor"));
    assertTrue(second.bodyAsString().contains("\"amount\":0.10"), second.bodyAsString());
  }

  @Test
  void anAccountKeepsItsMetadataAndItsTransactionsFilterByTypeAmountAndTime() {
    UUID userId = UUID.randomUUID();
    HttpResponse<Buffer> created = post("/api/v1/accounts", "{\"userId\":\"" + userId
        + "\",\"initialBalance\":1,\"metadata\":{\"crm\":\"X-1\"}}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(new JsonObject().put("crm", "X-1"), created.bodyAsJsonObject().getJsonObject("metadata"));
    assertEquals(new JsonObject().put("crm", "X-1"),
        get("/api/v1/accounts/" + userId).bodyAsJsonObject().getJsonObject("metadata"));
    assertEquals(new JsonObject(), get("/api/v1/accounts/" + openAccount("0")).bodyAsJsonObject().getJsonObject("metadata"));
    java.time.Instant before = java.time.Instant.now();
    for (String amount : new String[] {"2", "3.50", "10"}) {
      assertEquals(200, post("/api/v1/accounts/" + userId + "/deposits", "{\"amount\":" + amount + "}").statusCode());
    }
    String list = "/api/v1/accounts/" + userId + "/transactions?";
    assertEquals(List.of("10", "3.5", "2", "1"), amounts(get(list + "type=DEPOSIT")));
    assertEquals(List.of(), amounts(get(list + "type=PAYMENT")));
    assertEquals(List.of("3.5", "2"), amounts(get(list + "minAmount=2&maxAmount=3.50")));
    assertEquals(List.of("10", "3.5", "2"), amounts(get(list + "from=" + before)));
    assertEquals(List.of("1"), amounts(get(list + "to=" + before)));
    assertProblem(get(list + "type=GIFT"), 400, "VALIDATION_FAILED", "type");
    assertProblem(get(list + "maxAmount=0.001"), 400, "VALIDATION_FAILED", "maxAmount");
    assertProblem(post("/api/v1/accounts", "{\"metadata\":{\"\":\"v\"}}"), 400, "VALIDATION_FAILED", "metadata");
  }

  private static List<String> amounts(HttpResponse<Buffer> page) {
    assertEquals(200, page.statusCode(), page.bodyAsString());
    List<String> amounts = new java.util.ArrayList<>();
    page.bodyAsJsonObject().getJsonArray("items").forEach(item -> amounts.add(
        new java.math.BigDecimal(((JsonObject) item).getValue("amount").toString()).stripTrailingZeros().toPlainString()));
    return amounts;
  }

  @Test
  void anIdempotencyKeyReplaysTheResponseAndRefusesADifferentRequest() {
    UUID userId = openAccount("1");
    String path = "/api/v1/accounts/" + userId + "/deposits";
    HttpResponse<Buffer> first = Await.result(postAsync(path, "{\"amount\": 5}", "key-1"));
    HttpResponse<Buffer> replay = Await.result(postAsync(path, "{ \"amount\" : 5 }", "key-1"));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals(first.statusCode(), replay.statusCode());
    assertEquals(first.bodyAsString(), replay.bodyAsString());
    assertProblem(Await.result(postAsync(path, "{\"amount\": 6}", "key-1")), 422, "IDEMPOTENCY_KEY_REUSED", null);
    assertTrue(get("/api/v1/accounts/" + userId).bodyAsString().contains("\"balance\":6.00"));
  }

  @Test
  void concurrentDepositsWithOneIdempotencyKeyCreditOnce() {
    UUID userId = openAccount("0");
    String path = "/api/v1/accounts/" + userId + "/deposits";
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      attempts.add(postAsync(path, "{\"amount\": 7.25}", "same-key"));
    }
    Await.result(Future.join(attempts));
    for (Future<HttpResponse<Buffer>> attempt : attempts) {
      int status = attempt.result().statusCode();
      assertTrue(status == 200 || status == 409, attempt.result().bodyAsString());
    }
    assertTrue(get("/api/v1/accounts/" + userId).bodyAsString().contains("\"balance\":7.25"));
    assertEquals(1, get("/api/v1/accounts/" + userId + "/transactions").bodyAsJsonObject().getJsonArray("items").size());
  }

  @Test
  void unknownAccountsAre404() {
    UUID userId = UUID.randomUUID();
    assertProblem(get("/api/v1/accounts/" + userId), 404, "ACCOUNT_NOT_FOUND", null);
    assertProblem(post("/api/v1/accounts/" + userId + "/deposits", "{\"amount\":1}"), 404, "ACCOUNT_NOT_FOUND", null);
    assertProblem(get("/api/v1/accounts/" + userId + "/transactions"), 404, "ACCOUNT_NOT_FOUND", null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"amount\": 0}|amount",
      "{\"amount\": -300}|amount",
      "{\"amount\": 1.001}|amount",
      "{\"amount\": \"300\"}|amount",
      "{\"amount\": 1000000000.01}|amount",
      "{}|amount",
  })
  void badDepositsAreRejectedNamingTheField(String body, String field) {
    UUID userId = openAccount("1");
    assertProblem(post("/api/v1/accounts/" + userId + "/deposits", body), 400, "VALIDATION_FAILED", field);
    assertTrue(get("/api/v1/accounts/" + userId).bodyAsString().contains("\"balance\":1.00"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"userId\": \"nope\"}|userId",
      "{\"userId\": \"USER\", \"initialBalance\": -1}|initialBalance",
      "{\"userId\": \"USER\", \"initialBalance\": 0.001}|initialBalance",
  })
  void badAccountsAreRejectedNamingTheField(String body, String field) {
    assertProblem(post("/api/v1/accounts", body.replace("USER", UUID.randomUUID().toString())), 400, "VALIDATION_FAILED", field);
  }

  @Test
  void aUserOpensAndMovesOnlyItsOwnAccount() {
    UUID user = UUID.randomUUID();
    WebClient own = Tokens.client(vertx, port, Tokens.issue(authentication, user.toString(), "payments funding"));
    // Without funding the same user opens its account but creates no money (issue #30).
    WebClient unfunded = Tokens.client(vertx, port, Tokens.issue(authentication, user.toString(), "payments"));
    assertProblem(Await.result(unfunded.post("/api/v1/accounts").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\":5}"))), 403, "FORBIDDEN", null);
    HttpResponse<Buffer> opened = Await.result(unfunded.post("/api/v1/accounts").send());
    assertEquals(201, opened.statusCode(), opened.bodyAsString());
    assertEquals(user.toString(), opened.bodyAsJsonObject().getString("userId"), "the account is the principal's own");
    assertProblem(Await.result(unfunded.post("/api/v1/accounts/" + user + "/deposits")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"amount\":3}"))), 403, "FORBIDDEN", null);
    HttpResponse<Buffer> deposited = Await.result(own.post("/api/v1/accounts/" + user + "/deposits")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"amount\":3}")));
    assertEquals(200, deposited.statusCode(), deposited.bodyAsString());
    JsonObject transaction = Await.result(own.get("/api/v1/accounts/" + user + "/transactions").send())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals(user.toString(), transaction.getString("requestedBy"));

    UUID other = UUID.randomUUID();
    assertProblem(Await.result(own.post("/api/v1/accounts").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"userId\":\"" + other + "\"}"))), 403, "FORBIDDEN", null);
    WebClient intruder = Tokens.client(vertx, port, Tokens.issue(authentication, other.toString(), "payments"));
    assertProblem(Await.result(intruder.get("/api/v1/accounts/" + user).send()), 404, "ACCOUNT_NOT_FOUND", null);
    assertProblem(Await.result(intruder.get("/api/v1/accounts/" + user + "/transactions").send()), 404,
        "ACCOUNT_NOT_FOUND", null);
    assertProblem(Await.result(intruder.post("/api/v1/accounts/" + user + "/deposits")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"amount\":1}"))), 404,
        "ACCOUNT_NOT_FOUND", null);
    assertTrue(Await.result(own.get("/api/v1/accounts/" + user).send()).bodyAsString().contains("\"balance\":3.00"));

    WebClient notAUser = Tokens.client(vertx, port, Tokens.issue(authentication, "service-account", "payments"));
    assertProblem(Await.result(notAUser.post("/api/v1/accounts").send()), 403, "FORBIDDEN", null);
  }

  @Test
  void badPathsKeysAndCursorsAreRejected() {
    UUID userId = openAccount("1");
    assertProblem(get("/api/v1/accounts/not-a-uuid"), 400, "VALIDATION_FAILED", "userId");
    assertProblem(Await.result(postAsync("/api/v1/accounts/" + userId + "/deposits", "{\"amount\":1}", "k".repeat(256))),
        400, "VALIDATION_FAILED", "Idempotency-Key");
    assertProblem(get("/api/v1/accounts/" + userId + "/transactions?cursor=bad!"), 400, "VALIDATION_FAILED", "cursor");
    assertProblem(post("/api/v1/accounts", "{\"userId\":"), 400, "MALFORMED_JSON", null);
  }

  @Test
  void aDepositWithTheAmountTwiceIsMalformedJsonAndMovesNothing() {
    UUID userId = openAccount("5");
    assertProblem(post("/api/v1/accounts/" + userId + "/deposits", "{\"amount\":1,\"amount\":2}"), 400,
        "MALFORMED_JSON", null);
    assertProblem(post("/api/v1/accounts", "{\"userId\":\"" + UUID.randomUUID() + "\",\"initialBalance\":1,"
        + "\"initialBalance\":9}"), 400, "MALFORMED_JSON", null);
    assertTrue(get("/api/v1/accounts/" + userId).bodyAsString().contains("\"balance\":5.00"));
  }

  @Test
  void malformedPercentEncodingInThePathOrQueryIs400() {
    UUID userId = openAccount("1");
    assertProblem(get("/api/v1/accounts/" + userId + "/transactions?cursor=%"), 400, "VALIDATION_FAILED", "query");
    assertProblem(get("/api/v1/accounts/" + userId + "/transactions?limit=%zz"), 400, "VALIDATION_FAILED", "query");
    assertProblem(get("/api/v1/accounts/%zz"), 400, "VALIDATION_FAILED", "path");
  }

  @Test
  void withPostgresqlUnreachableEveryEndpointAnswers503WithRetryAfter() {
    PaymentsSettings down = PaymentsSettings.from(IsolatedConfig.create("paymentsdown")
        .with("PG_URL", "postgresql://postgres:postgres@127.0.0.1:1"));
    HttpFrontVerticle verticle = new HttpFrontVerticle(down.http(), ServiceRuntime.create().registry(), authentication,
        List.of(PaymentsApi.factory(down)));
    Await.result(vertx.deployVerticle(verticle));
    WebClient broken = Tokens.client(vertx, verticle.actualPort(), adminToken);
    UUID userId = UUID.randomUUID();
    List<HttpResponse<Buffer>> answers = List.of(
        Await.result(broken.post("/api/v1/accounts").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{\"userId\":\"" + userId + "\"}"))),
        Await.result(broken.post("/api/v1/accounts/" + userId + "/deposits").putHeader("content-type", "application/json")
            .putHeader("Idempotency-Key", "k-" + userId).sendBuffer(Buffer.buffer("{\"amount\":1}"))),
        Await.result(broken.get("/api/v1/accounts/" + userId).send()),
        Await.result(broken.get("/api/v1/accounts/" + userId + "/transactions").send()));
    io.walletplatform.infra.testing.ApiClient.assertUnavailable(answers);
  }
}
