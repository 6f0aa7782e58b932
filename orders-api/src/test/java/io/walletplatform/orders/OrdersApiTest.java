package io.walletplatform.orders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.db.PgPools;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.infra.testing.Tokens;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** orders-api's HTTP contract on a real server (port 0) and a real PostgreSQL; no relay runs here. */
@ExtendWith(VertxExtension.class)
class OrdersApiTest {

  private static Vertx vertx;
  private static WebClient client;
  private static Authentication authentication;
  private static String adminToken;
  private static int port;
  private static Pool pool;

  @BeforeAll
  static void start() {
    ServiceRuntime runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("ordersapi");
    OrdersSettings settings = OrdersSettings.from(config);
    authentication = Tokens.authentication(vertx, config);
    adminToken = Tokens.admin(authentication);
    Await.result(Migrations.migrate(vertx, settings.pg(), Migrations.ORDERS));
    HttpFrontVerticle verticle = new HttpFrontVerticle(settings.http(), runtime.registry(), authentication, List.of(OrdersApi.factory(settings)));
    Await.result(vertx.deployVerticle(verticle));
    port = verticle.actualPort();
    client = Tokens.client(vertx, port, adminToken);
    pool = PgPools.create(vertx, settings.pg(), "orders-test");
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static Future<HttpResponse<Buffer>> create(String body, String idempotencyKey) {
    var request = client.post("/api/v1/orders").putHeader("content-type", "application/json");
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  private static String order(UUID userId, String amount, String description) {
    return new JsonObject().put("userId", userId.toString()).put("description", description).encode()
        .replace("}", ",\"amount\":" + amount + "}");
  }

  private static HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }

  private static long outboxRows(UUID orderIdOrUser) {
    return Await.result(pool.preparedQuery("SELECT count(*) FROM outbox WHERE aggregate_id = $1")
        .execute(Tuple.of(orderIdOrUser.toString()))).iterator().next().getLong(0);
  }

  @Test
  void anOrderIsStoredNewWithItsPaymentRequestInTheOutbox() {
    UUID userId = UUID.randomUUID();
    HttpResponse<Buffer> created = Await.result(create(order(userId, "200", "Книга"), null));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject body = created.bodyAsJsonObject();
    assertEquals("NEW", body.getString("status"));
    assertTrue(created.bodyAsString().contains("\"amount\":200.00"), created.bodyAsString());
    assertEquals("Книга", body.getString("description"));
    assertEquals("/api/v1/orders/" + body.getString("orderId"), created.getHeader("Location"));
    assertEquals(1, outboxRows(userId));

    assertEquals(created.bodyAsString(), get("/api/v1/orders/" + body.getString("orderId")).bodyAsString());
    JsonObject list = get("/api/v1/orders?userId=" + userId).bodyAsJsonObject();
    assertEquals(1, list.getJsonArray("items").size());
  }

  @Test
  void aUserPlacesOrdersForItselfAndSeesOnlyItsOwn() {
    UUID user = UUID.randomUUID();
    WebClient own = Tokens.client(vertx, port, Tokens.issue(authentication, user.toString(), "orders"));
    HttpResponse<Buffer> placed = Await.result(own.post("/api/v1/orders").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"amount\":2,\"description\":\"mine\"}")));
    assertEquals(201, placed.statusCode(), placed.bodyAsString());
    JsonObject order = placed.bodyAsJsonObject();
    assertEquals(user.toString(), order.getString("userId"), "paid from the principal's own account");
    assertEquals(user.toString(), order.getString("requestedBy"));
    assertEquals(1, outboxRows(user));
    String path = "/api/v1/orders/" + order.getString("orderId");
    assertEquals(1, Await.result(own.get("/api/v1/orders").send()).bodyAsJsonObject().getJsonArray("items").size());

    UUID other = UUID.randomUUID();
    WebClient intruder = Tokens.client(vertx, port, Tokens.issue(authentication, other.toString(), "orders"));
    assertProblem(Await.result(intruder.get(path).send()), 404, "ORDER_NOT_FOUND", null);
    assertProblem(Await.result(intruder.get("/api/v1/orders?userId=" + user).send()), 403, "FORBIDDEN", null);
    assertEquals(0, Await.result(intruder.get("/api/v1/orders").send()).bodyAsJsonObject().getJsonArray("items").size());
    // An order debiting someone else's account cannot be placed, with or without the same Idempotency-Key.
    assertProblem(Await.result(intruder.post("/api/v1/orders").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(order(user, "2", "theirs")))), 403, "FORBIDDEN", null);
    assertEquals(1, outboxRows(user), "no payment request for the victim's account");
    String key = "shared-" + UUID.randomUUID();
    HttpResponse<Buffer> first = Await.result(own.post("/api/v1/orders").putHeader("content-type", "application/json")
        .putHeader("Idempotency-Key", key).sendBuffer(Buffer.buffer("{\"amount\":1,\"description\":\"k\"}")));
    HttpResponse<Buffer> second = Await.result(intruder.post("/api/v1/orders").putHeader("content-type", "application/json")
        .putHeader("Idempotency-Key", key).sendBuffer(Buffer.buffer("{\"amount\":1,\"description\":\"k\"}")));
    assertEquals(201, second.statusCode(), second.bodyAsString());
    assertEquals(other.toString(), second.bodyAsJsonObject().getString("userId"), "a key is never another principal's replay");
    assertNotEquals(first.bodyAsJsonObject().getString("orderId"), second.bodyAsJsonObject().getString("orderId"));

    assertEquals(200, get(path).statusCode(), "admin sees every order");
    assertEquals(2, get("/api/v1/orders?userId=" + user).bodyAsJsonObject().getJsonArray("items").size());
  }

  @Test
  void ordersAreListedNewestFirstPageByPage() {
    UUID userId = UUID.randomUUID();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(Await.result(create(order(userId, "1", "order " + i), null)).bodyAsJsonObject().getString("orderId"));
    }
    List<String> listed = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = get("/api/v1/orders?userId=" + userId + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).bodyAsJsonObject();
      page.getJsonArray("items").forEach(item -> listed.add(((JsonObject) item).getString("orderId")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    java.util.Collections.reverse(created);
    assertEquals(created, listed);
  }

  @Test
  void ordersKeepTheirMetadataAndTheListFiltersByStatusAmountTimeAndMetadata() {
    UUID userId = UUID.randomUUID();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      JsonObject body = new JsonObject(order(userId, String.valueOf(i), "order " + i));
      if (i % 2 == 0) {
        body.put("metadata", new JsonObject().put("cart", "c" + i).put("channel", "web"));
      }
      HttpResponse<Buffer> created = Await.result(create(body.encode(), null));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      assertEquals(i % 2 == 0 ? body.getJsonObject("metadata") : new JsonObject(),
          created.bodyAsJsonObject().getJsonObject("metadata"));
      ids.add(created.bodyAsJsonObject().getString("orderId"));
    }
    assertEquals(new JsonObject().put("cart", "c2").put("channel", "web"),
        get("/api/v1/orders/" + ids.get(1)).bodyAsJsonObject().getJsonObject("metadata"), "read back from PostgreSQL");
    // Orders 1 and 4 moved on: one FINISHED, one FAILED, as payments' answers would.
    Await.result(pool.preparedQuery("UPDATE orders SET status = 'FINISHED' WHERE order_id = $1")
        .execute(Tuple.of(UUID.fromString(ids.get(0)))));
    Await.result(pool.preparedQuery("UPDATE orders SET status = 'FAILED', failure_reason = 'INSUFFICIENT_FUNDS',"
        + " created_at = now() - interval '1 day' WHERE order_id = $1").execute(Tuple.of(UUID.fromString(ids.get(3)))));
    String list = "/api/v1/orders?userId=" + userId;
    assertEquals(List.of("6", "4", "2"), amounts(get(list + "&metadata[channel]=web")));
    assertEquals(List.of("4"), amounts(get(list + "&metadata[channel]=web&metadata[cart]=c4")));
    assertEquals(List.of(), amounts(get(list + "&metadata[channel]=shop")));
    assertEquals(List.of("6", "5", "3", "2"), amounts(get(list + "&status=NEW")));
    assertEquals(List.of("1"), amounts(get(list + "&status=FINISHED")));
    assertEquals(List.of("5", "4", "3"), amounts(get(list + "&minAmount=3&maxAmount=5.00")));
    assertEquals(List.of("4"), amounts(get(list + "&to=" + java.time.Instant.now().minusSeconds(3600))));
    assertEquals(List.of("6", "5", "3", "2", "1"), amounts(get(list + "&from=" + java.time.Instant.now().minusSeconds(3600))));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = get(list + "&status=NEW&limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).bodyAsJsonObject();
      page.getJsonArray("items").forEach(item -> paged.add(((JsonObject) item).getValue("amount").toString()));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertEquals(List.of("6.0", "5.0", "3.0", "2.0"), paged.stream().map(a -> new java.math.BigDecimal(a).setScale(1).toString()).toList());

    assertProblem(get(list + "&status=PAID"), 400, "VALIDATION_FAILED", "status");
    assertProblem(get(list + "&minAmount=1.001"), 400, "VALIDATION_FAILED", "minAmount");
    assertProblem(get(list + "&minAmount=2&maxAmount=1"), 400, "VALIDATION_FAILED", "maxAmount");
    assertProblem(get(list + "&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), 400, "VALIDATION_FAILED", "to");
    assertProblem(get(list + "&metadata[]=x"), 400, "VALIDATION_FAILED", "metadata[]");
    assertProblem(Await.result(create(new JsonObject(order(userId, "1", "x")).put("metadata", new JsonObject()
        .put("k", "v".repeat(501))).encode(), null)), 400, "VALIDATION_FAILED", "metadata.k");
  }

  private static List<String> amounts(HttpResponse<Buffer> page) {
    assertEquals(200, page.statusCode(), page.bodyAsString());
    List<String> amounts = new ArrayList<>();
    page.bodyAsJsonObject().getJsonArray("items").forEach(item -> amounts.add(
        new java.math.BigDecimal(((JsonObject) item).getValue("amount").toString()).stripTrailingZeros().toPlainString()));
    return amounts;
  }

  @Test
  void anIdempotencyKeyCreatesOneOrderReplaysItAndRefusesADifferentOne() {
    UUID userId = UUID.randomUUID();
    String body = order(userId, "10", "one");
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(create(body, "order-key"));
    }
    Await.result(Future.join(attempts));
    Set<String> orderIds = new HashSet<>();
    for (Future<HttpResponse<Buffer>> attempt : attempts) {
      HttpResponse<Buffer> response = attempt.result();
      assertTrue(response.statusCode() == 201 || response.statusCode() == 409, response.bodyAsString());
      if (response.statusCode() == 201) {
        orderIds.add(response.bodyAsJsonObject().getString("orderId"));
      }
    }
    assertEquals(1, orderIds.size(), "every replay names the same order");
    HttpResponse<Buffer> late = Await.result(create(body, "order-key"));
    assertEquals(201, late.statusCode());
    assertEquals(orderIds.iterator().next(), late.bodyAsJsonObject().getString("orderId"));
    assertProblem(Await.result(create(order(userId, "11", "one"), "order-key")), 422, "IDEMPOTENCY_KEY_REUSED", null);
    assertEquals(1, get("/api/v1/orders?userId=" + userId).bodyAsJsonObject().getJsonArray("items").size());
    assertEquals(1, outboxRows(userId));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-5|x|amount",
      "0|x|amount",
      "2.001|x|amount",
      "\"10\"|x|amount",
      "1000000000.01|x|amount",
      "10|EMPTY|description",
      "10|LONG|description",
      "10|BLANK|description",
  })
  void badOrdersAreRejectedNamingTheFieldAndStoreNothing(String amount, String description, String field) {
    UUID userId = UUID.randomUUID();
    String text = switch (description) {
      case "EMPTY" -> "";
      case "LONG" -> "d".repeat(501);
      case "BLANK" -> "   ";
      default -> description;
    };
    assertProblem(Await.result(create(order(userId, amount, text), null)), 400, "VALIDATION_FAILED", field);
    assertEquals(0, get("/api/v1/orders?userId=" + userId).bodyAsJsonObject().getJsonArray("items").size());
  }

  @Test
  void aWrongContentTypeAndAnOverlongIdempotencyKeyAreRejected() {
    HttpResponse<Buffer> text = Await.result(client.post("/api/v1/orders").putHeader("content-type", "text/plain")
        .sendBuffer(Buffer.buffer(order(UUID.randomUUID(), "1", "x"))));
    assertProblem(text, 415, "UNSUPPORTED_MEDIA_TYPE", null);
    assertProblem(Await.result(create(order(UUID.randomUUID(), "1", "x"), "k".repeat(256))), 400, "VALIDATION_FAILED",
        "Idempotency-Key");
    assertProblem(Await.result(create("[1]", null)), 400, "VALIDATION_FAILED", "body");
    assertProblem(Await.result(create("{\"userId\":", null)), 400, "MALFORMED_JSON", null);
  }

  @Test
  void aDescriptionOfExactly500CharactersIsAccepted() {
    assertEquals(201, Await.result(create(order(UUID.randomUUID(), "1", "é".repeat(500)), null)).statusCode());
  }

  @Test
  void missingFieldsBadIdsAndUnknownOrdersAreRejected() {
    assertProblem(Await.result(create("{\"userId\":\"" + UUID.randomUUID() + "\",\"description\":\"x\"}", null)), 400,
        "VALIDATION_FAILED", "amount");
    assertProblem(Await.result(create("{\"userId\":\"nope\",\"amount\":1,\"description\":\"x\"}", null)), 400,
        "VALIDATION_FAILED", "userId");
    assertProblem(get("/api/v1/orders?userId=nope"), 400, "VALIDATION_FAILED", "userId");
    assertProblem(get("/api/v1/orders/" + UUID.randomUUID()), 404, "ORDER_NOT_FOUND", null);
    assertProblem(get("/api/v1/orders/not-a-uuid"), 400, "VALIDATION_FAILED", "orderId");
  }

  @Test
  void aDescriptionWithANulCharacterIs400NotA500() {
    HttpResponse<Buffer> refused = Await.result(create(
        "{\"userId\":\"" + UUID.randomUUID() + "\",\"amount\":1,\"description\":\"a\\u0000b\"}", null));
    assertProblem(refused, 400, "VALIDATION_FAILED", "description");
  }

  @Test
  void aDescriptionWithALoneSurrogateIs400InsteadOfBeingStoredAsAQuestionMark() {
    UUID userId = UUID.randomUUID();
    HttpResponse<Buffer> refused = Await.result(create(
        "{\"userId\":\"" + userId + "\",\"amount\":1,\"description\":\"a\\ud800b\"}", null));
    assertProblem(refused, 400, "VALIDATION_FAILED", "description");
    HttpResponse<Buffer> paired = Await.result(create(
        "{\"userId\":\"" + userId + "\",\"amount\":1,\"description\":\"a\\ud83d\\ude00b\"}", null));
    assertEquals(201, paired.statusCode(), "a surrogate pair is a real character: " + paired.bodyAsString());
    assertEquals("a\ud83d\ude00b", paired.bodyAsJsonObject().getString("description"));
  }

  @Test
  void aBodyWithTheAmountTwiceIsMalformedJson() {
    HttpResponse<Buffer> refused = Await.result(create(
        "{\"userId\":\"" + UUID.randomUUID() + "\",\"amount\":1,\"amount\":1000000,\"description\":\"x\"}", null));
    assertProblem(refused, 400, "MALFORMED_JSON", null);
  }

  @Test
  void malformedPercentEncodingInTheQueryIs400() {
    String user = "userId=" + UUID.randomUUID();
    assertProblem(get("/api/v1/orders?" + user + "&cursor=%"), 400, "VALIDATION_FAILED", "query");
    assertProblem(get("/api/v1/orders?" + user + "&limit=%zz"), 400, "VALIDATION_FAILED", "query");
    assertProblem(get("/api/v1/orders/%zz"), 400, "VALIDATION_FAILED", "path");
  }

  @Test
  void withPostgresqlUnreachableEveryEndpointAnswers503WithRetryAfter() {
    OrdersSettings down = OrdersSettings.from(IsolatedConfig.create("ordersdown")
        .with("PG_URL", "postgresql://postgres:postgres@127.0.0.1:1"));
    HttpFrontVerticle verticle = new HttpFrontVerticle(down.http(), ServiceRuntime.create().registry(), authentication,
        List.of(OrdersApi.factory(down)));
    Await.result(vertx.deployVerticle(verticle));
    WebClient broken = Tokens.client(vertx, verticle.actualPort(), adminToken);
    UUID userId = UUID.randomUUID();
    List<HttpResponse<Buffer>> answers = List.of(
        Await.result(broken.post("/api/v1/orders").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(order(userId, "1", "x")))),
        Await.result(broken.get("/api/v1/orders?userId=" + userId).send()),
        Await.result(broken.get("/api/v1/orders/" + UUID.randomUUID()).send()));
    io.walletplatform.infra.testing.ApiClient.assertUnavailable(answers);
  }
}
