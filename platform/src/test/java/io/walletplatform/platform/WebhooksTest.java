package io.walletplatform.platform;

import com.standardwebhooks.Webhook;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.common.webhooks.EventTypes;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks through the single entry point, on real PostgreSQL, Kafka and Redis, with receivers on
 * real HTTP servers: every event type arrives signed (verified by the Standard Webhooks reference
 * library and by a second implementation following the specification's text), for its principal
 * only; a failing receiver gets the same webhook-id on every attempt, then FAILED, then a manual
 * retry; deletion stops deliveries; nothing is recorded for a principal without a subscription.
 */
class WebhooksTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static Authentication authentication;
  private static PlatformSettings settings;
  private static WebhookInterest interest;
  private static Pool walletDb;
  private static Pool webhooksDb;
  private static Receiver receiver;

  /** One received request. */
  record Received(String path, Map<String, List<String>> headers, String body, Instant at) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** A receiver: records every request by path; answers the status set for its path (200 by default). */
  static final class Receiver {
    final Map<String, List<Received>> byPath = new ConcurrentHashMap<>();
    final Map<String, Integer> statusByPath = new ConcurrentHashMap<>();
    HttpServer server;

    String url(String path) {
      return "http://127.0.0.1:" + server.actualPort() + path;
    }

    List<Received> at(String path) {
      return byPath.getOrDefault(path, List.of());
    }
  }

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("webhooks").with("PLATFORM_PORT", Integer.toString(FreePorts.pick()))
        .with("HOLD_EXPIRY_SCAN_MS", "300")
        .with("WEBHOOKS_RETRY_SCHEDULE", "200ms,400ms")
        .with("WEBHOOKS_SCAN_MS", "100");
    settings = PlatformSettings.from(config);
    authentication = Await.result(Platform.deploy(runtime, settings), SETTLE);
    interest = Await.result(WebhookInterest.start(vertx, settings.webhooks().kafka(),
        settings.webhooks().events().interestTopic()));
    walletDb = PgPools.create(vertx, settings.wallet().pg(), "webhooks-test-wallet");
    webhooksDb = PgPools.create(vertx, settings.webhooks().pg(), "webhooks-test");
    receiver = new Receiver();
    receiver.server = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Map<String, List<String>> headers = new java.util.HashMap<>();
      request.headers().forEach(header -> headers.computeIfAbsent(header.getKey().toLowerCase(java.util.Locale.ROOT),
          ignored -> new ArrayList<>()).add(header.getValue()));
      receiver.byPath.computeIfAbsent(request.path(), ignored -> new CopyOnWriteArrayList<>())
          .add(new Received(request.path(), headers, body.toString(StandardCharsets.UTF_8), Instant.now()));
      request.response().setStatusCode(receiver.statusByPath.getOrDefault(request.path(), 200)).end("ok");
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static WebClient client(String token) {
    return Tokens.bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(settings.http().port()), new PoolOptions().setHttp1MaxSize(16)), token);
  }

  private record Principal(String subject, WebClient client) {
  }

  private static Principal principal() {
    String subject = UUID.randomUUID().toString();
    return new Principal(subject, client(Tokens.issue(authentication, subject, "wallets payments orders funding")));
  }

  private static HttpResponse<Buffer> post(WebClient client, String path, JsonObject body) {
    return Await.result(client.post(path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body == null ? "" : body.encode())));
  }

  /** Subscribes and waits until the services recording events know of it. */
  private static JsonObject subscribe(Principal principal, String url, List<String> events) {
    HttpResponse<Buffer> created = post(principal.client(), "/api/v1/webhooks",
        new JsonObject().put("url", url).put("events", new JsonArray(events)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("no-store", created.getHeader("Cache-Control"), "the answer carries the signing secret");
    Await.until("the subscription is known to the recorders", SETTLE,
        () -> events.stream().allMatch(type -> interest.wants(principal.subject(), type)));
    return created.bodyAsJsonObject();
  }

  private static UUID wallet(Principal owner, String initialBalance) {
    HttpResponse<Buffer> created = post(owner.client(), "/api/v1/wallets",
        new JsonObject().put("initialBalance", new BigDecimal(initialBalance)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return UUID.fromString(created.bodyAsJsonObject().getString("walletId"));
  }

  private static UUID submit(Principal owner, JsonObject operation) {
    HttpResponse<Buffer> accepted = post(owner.client(), "/api/v1/wallet", operation);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    return UUID.fromString(accepted.bodyAsJsonObject().getString("operationId"));
  }

  private static JsonObject operation(UUID walletId, String type, String amount) {
    JsonObject body = new JsonObject().put("walletId", walletId.toString()).put("operationType", type);
    return amount == null ? body : body.put("amount", new BigDecimal(amount));
  }

  /** The received events of a path, by the event's type and the id of what it reports. */
  private static List<Received> awaitEvents(String path, int count) {
    Await.until(count + " deliveries at " + path, SETTLE, () -> distinctIds(receiver.at(path)).size() >= count);
    return receiver.at(path);
  }

  private static Set<String> distinctIds(List<Received> received) {
    return received.stream().map(one -> one.header("webhook-id")).collect(Collectors.toSet());
  }

  private static Received find(List<Received> received, String type, java.util.function.Predicate<JsonObject> data) {
    return received.stream().filter(one -> type.equals(one.json().getString("type"))
        && data.test(one.json().getJsonObject("data"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " among " + received.stream().map(Received::body).toList()));
  }

  /**
   * Verifies a delivery as the specification's text says, independently of the platform's code: the
   * signed content is {@code id.timestamp.body}, the key the base64 decoding of the secret after
   * {@code whsec_}, the header a space-separated list of {@code v1,<base64>}; then with the
   * specification's reference library.
   */
  private static void assertSigned(Received received, String secret) throws Exception {
    String id = received.header("webhook-id");
    String timestamp = received.header("webhook-timestamp");
    assertNotNull(id);
    assertTrue(Math.abs(Long.parseLong(timestamp) - Instant.now().getEpochSecond()) < 300, timestamp);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.split("_", 2)[1]), "HmacSHA256"));
    String expected = Base64.getEncoder().encodeToString(
        mac.doFinal((id + "." + timestamp + "." + received.body()).getBytes(StandardCharsets.UTF_8)));
    boolean matched = false;
    for (String signature : received.header("webhook-signature").split(" ")) {
      String[] parts = signature.split(",", 2);
      matched |= parts[0].equals("v1") && java.security.MessageDigest.isEqual(
          parts[1].getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII));
    }
    assertTrue(matched, "no v1 signature matches: " + received.header("webhook-signature"));
    assertEquals("application/json", received.header("content-type"));
    assertEquals(id, received.json().getString("id"), "webhook-id is the event's id");
    new Webhook(secret).verify(received.body(), received.headers());
    // A body changed by one byte does not verify.
    String tampered = received.body().replaceFirst("\"type\"", "\"typ\u0065 \"");
    assertThrowsVerification(() -> new Webhook(secret).verify(tampered, received.headers()));
  }

  private static void assertThrowsVerification(org.junit.jupiter.api.function.Executable executable) {
    org.junit.jupiter.api.Assertions.assertThrows(com.standardwebhooks.exceptions.WebhookVerificationException.class,
        executable);
  }

  private static UUID applied(Principal owner, UUID walletId, JsonObject operation) {
    UUID operationId = submit(owner, operation);
    Await.until("operation " + operationId + " applied", SETTLE, () -> !"PENDING".equals(Await.result(owner.client()
        .get("/api/v1/wallets/" + walletId + "/operations/" + operationId).send()).bodyAsJsonObject()
        .getString("status")));
    return operationId;
  }

  private static HttpResponse<Buffer> monitor(Principal owner, UUID walletId, String body) {
    return Await.result(owner.client().post("/api/v1/wallets/" + walletId + "/monitors")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  private static String created(HttpResponse<Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertFalse(response.bodyAsJsonObject().getBoolean("triggered"));
    return response.bodyAsJsonObject().getString("monitorId");
  }

  @Test
  void aBalanceMonitorFiresOncePerCrossingFromBatchesAndSettlements() {
    Principal carol = principal();
    Principal mallory = principal();
    subscribe(carol, receiver.url("/carol-monitors"), List.of(EventTypes.MONITOR_TRIGGERED));
    UUID spending = wallet(carol, "100");
    UUID savings = wallet(carol, "0");
    String low = created(monitor(carol, spending,
        "{\"field\":\"balance\",\"operator\":\"lt\",\"value\":50,\"metadata\":{\"alert\":\"low\"}}"));
    String thin = created(monitor(carol, spending, "{\"field\":\"available\",\"operator\":\"lt\",\"value\":30}"));
    String funded = created(monitor(carol, savings, "{\"field\":\"balance\",\"operator\":\"gte\",\"value\":10}"));
    // Bad input, and someone else's wallet.
    assertProblem(monitor(carol, spending, "{\"field\":\"balance\",\"operator\":\"lt\",\"value\":1.001}"), 422,
        "AMOUNT_PRECISION", "value");
    assertProblem(monitor(carol, spending, "{\"field\":\"held\",\"operator\":\"lt\",\"value\":1}"), 400,
        "VALIDATION_FAILED", null);
    assertProblem(monitor(carol, spending, "{\"field\":\"balance\",\"operator\":\"lt\",\"value\":1,"
        + "\"metadata\":{\"k\":1}}"), 400, "VALIDATION_FAILED", null);
    assertProblem(monitor(mallory, spending, "{\"field\":\"balance\",\"operator\":\"lt\",\"value\":1}"), 404,
        "WALLET_NOT_FOUND", null);

    applied(carol, spending, operation(spending, "WITHDRAW", "60"));      // 40: low fires
    applied(carol, spending, operation(spending, "WITHDRAW", "5"));       // 35: still low, nothing
    applied(carol, spending, operation(spending, "HOLD", "10"));          // available 25: thin fires
    applied(carol, spending, operation(spending, "DEPOSIT", "30"));       // 65, available 55: both re-armed
    applied(carol, spending, operation(spending, "WITHDRAW", "20"));      // 45, available 35: low fires again
    // A transaction: its reservation (a batch) leaves available 25 (thin fires), its settlement credits
    // savings (funded fires on the coordinator's path).
    HttpResponse<Buffer> transaction = post(carol.client(), "/api/v1/transactions", new JsonObject().put("postings",
        new JsonArray().add(new JsonObject().put("from", spending.toString()).put("to", savings.toString())
            .put("amount", new BigDecimal("10")))));
    assertEquals(202, transaction.statusCode(), transaction.bodyAsString());

    List<Received> received = awaitEvents("/carol-monitors", 5);
    Map<String, Long> byMonitor = received.stream().collect(Collectors.groupingBy(
        one -> one.json().getJsonObject("data").getString("monitorId"), Collectors.counting()));
    assertEquals(Map.of(low, 2L, thin, 2L, funded, 1L), byMonitor, received.stream().map(Received::body).toList()
        .toString());
    JsonObject lowFired = find(received, EventTypes.MONITOR_TRIGGERED, data -> low.equals(data.getString("monitorId"))
        && data.getDouble("balance") == 40.0).json().getJsonObject("data");
    assertEquals("low", lowFired.getJsonObject("metadata").getString("alert"));
    assertEquals("USD", lowFired.getString("asset"));
    assertTrue(lowFired.getBoolean("triggered"));

    JsonArray listed = Await.result(carol.client().get("/api/v1/wallets/" + spending + "/monitors").send())
        .bodyAsJsonObject().getJsonArray("items");
    assertEquals(List.of(low, thin), listed.stream().map(item -> ((JsonObject) item).getString("monitorId")).toList());
    assertTrue(listed.getJsonObject(0).getBoolean("triggered"), "35 is below 50");
    assertEquals(204, Await.result(carol.client().delete("/api/v1/wallets/" + spending + "/monitors/" + low).send())
        .statusCode());
    assertProblem(Await.result(carol.client().delete("/api/v1/wallets/" + spending + "/monitors/" + low).send()), 404,
        "MONITOR_NOT_FOUND", null);
    // At most 20 per wallet: savings has one.
    for (int i = 0; i < 19; i++) {
      created(monitor(carol, savings, "{\"field\":\"balance\",\"operator\":\"gt\",\"value\":" + (1000 + i) + "}"));
    }
    assertProblem(monitor(carol, savings, "{\"field\":\"balance\",\"operator\":\"gt\",\"value\":5000}"), 409,
        "LIMIT_REACHED", null);
    assertEquals(5, distinctIds(receiver.at("/carol-monitors")).size(), "nothing fired more than once per crossing");
  }

  @Test
  void everyEventTypeArrivesSignedForItsPrincipalOnly() throws Exception {
    Principal alice = principal();
    Principal bob = principal();
    JsonObject aliceHook = subscribe(alice, receiver.url("/alice"), EventTypes.ALL);
    JsonObject bobHook = subscribe(bob, receiver.url("/bob"), List.of(EventTypes.OPERATION_COMPLETED));
    assertTrue(aliceHook.getString("secret").startsWith("whsec_"));
    assertTrue(Base64.getDecoder().decode(aliceHook.getString("secret").substring(6)).length >= 24);

    UUID aliceWallet = wallet(alice, "100");
    UUID bobWallet = wallet(bob, "0");
    UUID deposit = submit(alice, operation(aliceWallet, "DEPOSIT", "10.50")
        .put("metadata", new JsonObject().put("invoice", "INV-1")));
    UUID overdraft = submit(alice, operation(aliceWallet, "WITHDRAW", "1000"));
    UUID transfer = submit(alice, operation(aliceWallet, "TRANSFER", "20").put("toWalletId", bobWallet.toString())
        .put("metadata", new JsonObject().put("payroll", "december")));
    UUID hold = submit(alice, operation(aliceWallet, "HOLD", "5")
        .put("expiresAt", Instant.now().plusSeconds(1).toString()));

    // Orders and a refund: alice's sub is her userId.
    assertEquals(201, post(alice.client(), "/api/v1/accounts", new JsonObject().put("initialBalance", 50)).statusCode());
    HttpResponse<Buffer> paid = post(alice.client(), "/api/v1/orders", new JsonObject().put("amount", 30).put("description", "paid")
        .put("metadata", new JsonObject().put("cart", "c-1")));
    assertEquals(201, paid.statusCode(), paid.bodyAsString());
    String paidOrder = paid.bodyAsJsonObject().getString("orderId");
    HttpResponse<Buffer> unpaid = post(alice.client(), "/api/v1/orders", new JsonObject().put("amount", 40).put("description", "unpaid"));
    String failedOrder = unpaid.bodyAsJsonObject().getString("orderId");
    Await.until("the paid order FINISHED", SETTLE, () -> "FINISHED".equals(Await.result(alice.client()
        .get("/api/v1/orders/" + paidOrder).send()).bodyAsJsonObject().getString("status")));
    assertEquals(202, post(alice.client(), "/api/v1/orders/" + paidOrder + "/refund", null).statusCode());

    // deposit, overdraft, transfer, hold, expiry, finished, failed, refunded, account refunded
    List<Received> received = awaitEvents("/alice", 9);
    for (Received one : received) {
      assertSigned(one, aliceHook.getString("secret"));
    }
    JsonObject completed = find(received, EventTypes.OPERATION_COMPLETED,
        data -> deposit.toString().equals(data.getString("operationId"))).json();
    assertEquals("COMPLETED", completed.getJsonObject("data").getString("status"));
    assertEquals(110.50, completed.getJsonObject("data").getDouble("balanceAfter"));
    assertEquals(alice.subject(), completed.getJsonObject("data").getString("requestedBy"));
    assertEquals(completed.getJsonObject("data").getString("processedAt"), completed.getString("timestamp"));
    // The event's data is what the API answers for the operation.
    JsonObject read = Await.result(alice.client().get("/api/v1/wallets/" + aliceWallet + "/operations/" + deposit)
        .send()).bodyAsJsonObject();
    assertEquals(read, completed.getJsonObject("data"));
    assertEquals(new JsonObject().put("invoice", "INV-1"), completed.getJsonObject("data").getJsonObject("metadata"));
    // Stored by the worker with the operation, and searchable.
    JsonArray tagged = Await.result(alice.client().get("/api/v1/wallets/" + aliceWallet
        + "/operations?metadata[invoice]=INV-1").send()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, tagged.size(), tagged.encode());
    assertEquals(deposit.toString(), tagged.getJsonObject(0).getString("operationId"));
    assertEquals("INSUFFICIENT_FUNDS", find(received, EventTypes.OPERATION_FAILED,
        data -> overdraft.toString().equals(data.getString("operationId"))).json().getJsonObject("data")
        .getString("failureReason"));
    JsonObject sent = find(received, EventTypes.OPERATION_COMPLETED,
        data -> transfer.toString().equals(data.getString("operationId"))).json().getJsonObject("data");
    assertEquals(bobWallet.toString(), sent.getString("toWalletId"));
    JsonObject expired = find(received, EventTypes.HOLD_EXPIRED, data -> true).json().getJsonObject("data");
    assertEquals(hold.toString(), expired.getString("holdId"));
    assertEquals("platform", expired.getString("requestedBy"));
    JsonObject finished = find(received, EventTypes.ORDER_FINISHED, data -> true).json().getJsonObject("data");
    assertEquals("FINISHED", finished.getString("status"));
    assertEquals(new JsonObject().put("cart", "c-1"), finished.getJsonObject("metadata"));
    assertEquals(failedOrder, find(received, EventTypes.ORDER_FAILED, data -> true).json().getJsonObject("data")
        .getString("orderId"));
    assertEquals(paidOrder, find(received, EventTypes.ORDER_REFUNDED, data -> true).json().getJsonObject("data")
        .getString("orderId"));
    JsonObject credit = find(received, EventTypes.ACCOUNT_REFUNDED, data -> true).json().getJsonObject("data");
    assertEquals("REFUND", credit.getString("type"));
    assertEquals(30.00, credit.getDouble("amount"));

    // Bob, subscribed to completed operations only, sees the transfer from his side, and nothing of alice's.
    List<Received> bobs = awaitEvents("/bob", 1);
    assertSigned(bobs.get(0), bobHook.getString("secret"));
    JsonObject incoming = bobs.get(0).json().getJsonObject("data");
    assertEquals(transfer.toString(), incoming.getString("operationId"));
    assertEquals(bobWallet.toString(), incoming.getString("walletId"));
    assertEquals(aliceWallet.toString(), incoming.getString("fromWalletId"));
    assertEquals(20.00, incoming.getDouble("balanceAfter"));
    assertEquals(new JsonObject().put("payroll", "december"), incoming.getJsonObject("metadata"),
        "the transfer's metadata, on the destination's side too");
    assertEquals(1, receiver.at("/bob").size(), "bob gets only his own event");

    // The delivery log says the same.
    JsonArray log = Await.result(alice.client().get("/api/v1/webhooks/" + aliceHook.getString("webhookId")
        + "/deliveries").send()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(9, log.size(), log.encodePrettily());
    for (Object item : log) {
      JsonObject delivery = (JsonObject) item;
      assertEquals("DELIVERED", delivery.getString("status"), delivery.encode());
      assertEquals(1, delivery.getInteger("attempts"));
      assertEquals(200, delivery.getInteger("lastStatusCode"));
      assertNotNull(delivery.getString("deliveredAt"));
    }
  }

  @Test
  void aFailingReceiverGetsTheSameIdOnEveryAttemptThenFailedThenARetryByHand() {
    Principal carol = principal();
    receiver.statusByPath.put("/carol", 503);
    JsonObject hook = subscribe(carol, receiver.url("/carol"), List.of(EventTypes.OPERATION_COMPLETED));
    UUID walletId = wallet(carol, "0");
    submit(carol, operation(walletId, "DEPOSIT", "1"));
    String webhookId = hook.getString("webhookId");
    JsonObject[] delivery = new JsonObject[1];
    Await.until("the delivery FAILED after 3 attempts", SETTLE, () -> {
      JsonArray items = Await.result(carol.client().get("/api/v1/webhooks/" + webhookId + "/deliveries").send())
          .bodyAsJsonObject().getJsonArray("items");
      delivery[0] = items.isEmpty() ? null : items.getJsonObject(0);
      return delivery[0] != null && "FAILED".equals(delivery[0].getString("status"));
    });
    assertEquals(3, delivery[0].getInteger("attempts"));
    assertEquals(503, delivery[0].getInteger("lastStatusCode"));
    assertNull(delivery[0].getString("nextAttemptAt"));
    List<Received> attempts = receiver.at("/carol");
    assertEquals(3, attempts.size());
    assertEquals(1, distinctIds(attempts).size(), "every attempt carries the same webhook-id");
    assertEquals(delivery[0].getString("eventId"), attempts.get(0).header("webhook-id"));
    // Backoff: the attempts are apart by about the schedule (200 ms, then 400 ms, ±20 %).
    assertTrue(Duration.between(attempts.get(0).at(), attempts.get(1).at()).toMillis() >= 150);
    assertTrue(Duration.between(attempts.get(1).at(), attempts.get(2).at()).toMillis() >= 300);

    receiver.statusByPath.put("/carol", 204);
    HttpResponse<Buffer> retried = post(carol.client(), "/api/v1/webhooks/" + webhookId + "/deliveries/"
        + delivery[0].getString("deliveryId") + "/retry", null);
    assertEquals(202, retried.statusCode(), retried.bodyAsString());
    assertEquals("PENDING", retried.bodyAsJsonObject().getString("status"));
    Await.until("the retried delivery DELIVERED", SETTLE, () -> "DELIVERED".equals(Await.result(carol.client()
        .get("/api/v1/webhooks/" + webhookId + "/deliveries").send()).bodyAsJsonObject().getJsonArray("items")
        .getJsonObject(0).getString("status")));
    assertEquals(4, receiver.at("/carol").size());
    assertEquals(1, distinctIds(receiver.at("/carol")).size());
    assertProblem(post(carol.client(), "/api/v1/webhooks/" + webhookId + "/deliveries/" + UUID.randomUUID() + "/retry",
        null), 404, "DELIVERY_NOT_FOUND", null);

    // The operator sees it: deliveries by outcome, attempts, the oldest pending delivery's age.
    String metrics = Await.result(client(Tokens.admin(authentication)).get("/metrics").send()).bodyAsString();
    assertTrue(metric(metrics, "webhook_deliveries_total", "outcome=\"retrying\"") >= 2, metrics);
    assertTrue(metric(metrics, "webhook_deliveries_total", "outcome=\"failed\"") >= 1, metrics);
    assertTrue(metric(metrics, "webhook_deliveries_total", "outcome=\"delivered\"") >= 1, metrics);
    assertTrue(metric(metrics, "webhook_delivery_attempts_total", "") >= 4, metrics);
    assertTrue(metrics.contains("webhook_oldest_pending_age_seconds"), metrics);
  }

  /** The sum of a metric's samples whose labels contain {@code label}. */
  private static double metric(String metrics, String name, String label) {
    return metrics.lines().filter(line -> (line.startsWith(name + " ") || line.startsWith(name + "{"))
            && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void anotherPrincipalsWebhooksAreInvisibleAndADeletedOneGetsNothingMore() {
    Principal dave = principal();
    Principal eve = principal();
    JsonObject kept = subscribe(dave, receiver.url("/dave-kept"), List.of(EventTypes.OPERATION_COMPLETED));
    JsonObject deleted = subscribe(dave, receiver.url("/dave-deleted"), List.of(EventTypes.OPERATION_COMPLETED));
    String deletedId = deleted.getString("webhookId");

    // Eve sees none of dave's webhooks and cannot touch them.
    assertEquals(0, Await.result(eve.client().get("/api/v1/webhooks").send()).bodyAsJsonObject()
        .getJsonArray("items").size());
    assertProblem(Await.result(eve.client().delete("/api/v1/webhooks/" + deletedId).send()), 404, "WEBHOOK_NOT_FOUND",
        null);
    assertProblem(Await.result(eve.client().get("/api/v1/webhooks/" + deletedId + "/deliveries").send()), 404,
        "WEBHOOK_NOT_FOUND", null);
    JsonArray listed = Await.result(dave.client().get("/api/v1/webhooks").send()).bodyAsJsonObject()
        .getJsonArray("items");
    assertEquals(2, listed.size());
    for (Object item : listed) {
      assertFalse(((JsonObject) item).containsKey("secret"), "a listed webhook never shows its secret");
    }

    UUID walletId = wallet(dave, "0");
    submit(dave, operation(walletId, "DEPOSIT", "1"));
    awaitEvents("/dave-kept", 1);
    awaitEvents("/dave-deleted", 1);
    assertEquals(204, Await.result(dave.client().delete("/api/v1/webhooks/" + deletedId).send()).statusCode());
    assertProblem(Await.result(dave.client().delete("/api/v1/webhooks/" + deletedId).send()), 404, "WEBHOOK_NOT_FOUND",
        null);
    for (int i = 0; i < 3; i++) {
      submit(dave, operation(walletId, "DEPOSIT", "1"));
    }
    awaitEvents("/dave-kept", 4);
    assertEquals(1, receiver.at("/dave-deleted").size(), "nothing more reaches a deleted webhook");
    // Eve's own events never reach dave's endpoints.
    subscribe(eve, receiver.url("/eve"), List.of(EventTypes.OPERATION_COMPLETED));
    submit(eve, operation(wallet(eve, "0"), "DEPOSIT", "1"));
    awaitEvents("/eve", 1);
    assertEquals(4, receiver.at("/dave-kept").size());
    assertNotNull(kept.getString("webhookId"));
  }

  @Test
  void subscriptionsAreValidatedAndLimitedPerPrincipal() {
    Principal frank = principal();
    assertProblem(post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", receiver.url("/f"))
        .put("events", new JsonArray().add("wallet.everything"))), 400, "VALIDATION_FAILED", "events");
    assertProblem(post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", receiver.url("/f"))
        .put("events", new JsonArray())), 400, "VALIDATION_FAILED", null);
    assertProblem(post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", "ftp://example.com/")
        .put("events", new JsonArray().add(EventTypes.ORDER_FAILED))), 400, "VALIDATION_FAILED", "url");
    assertProblem(post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", "https://user:pw@example.com/")
        .put("events", new JsonArray().add(EventTypes.ORDER_FAILED))), 400, "VALIDATION_FAILED", "url");
    assertProblem(post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", "https://no-such-host.invalid/")
        .put("events", new JsonArray().add(EventTypes.ORDER_FAILED))), 400, "VALIDATION_FAILED", "url");
    WebClient ordersOnly = client(Tokens.issue(authentication, frank.subject(), "orders"));
    assertProblem(post(ordersOnly, "/api/v1/webhooks", new JsonObject().put("url", receiver.url("/f"))
        .put("events", new JsonArray().add(EventTypes.OPERATION_COMPLETED))), 403, "FORBIDDEN", null);
    for (int i = 0; i < 10; i++) {
      assertEquals(201, post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", receiver.url("/f" + i))
          .put("events", new JsonArray().add(EventTypes.ORDER_FAILED))).statusCode());
    }
    assertProblem(post(frank.client(), "/api/v1/webhooks", new JsonObject().put("url", receiver.url("/f10"))
        .put("events", new JsonArray().add(EventTypes.ORDER_FAILED))), 409, "LIMIT_REACHED", null);
    assertProblem(Await.result(frank.client().delete("/api/v1/webhooks/not-a-uuid").send()), 400, "VALIDATION_FAILED",
        null);
  }

  /** An operation the worker can never apply (bad data) is recorded FAILED / PROCESSING_FAILED, and says so. */
  @Test
  void anOperationThatCanNeverBeAppliedIsReportedFailed() {
    Await.result(walletDb.query("""
        CREATE OR REPLACE FUNCTION webhooks_test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.amount_minor = 1313 AND NEW.failure_reason IS DISTINCT FROM 'PROCESSING_FAILED' THEN
            RAISE EXCEPTION 'poison operation %', NEW.operation_id USING ERRCODE = '22023';
          END IF;
          RETURN NEW;
        END $$;
        CREATE OR REPLACE TRIGGER webhooks_test_poison BEFORE INSERT ON wallet_operations
          FOR EACH ROW EXECUTE FUNCTION webhooks_test_poison();
        """).execute());
    Principal ivan = principal();
    subscribe(ivan, receiver.url("/ivan"), List.of(EventTypes.OPERATION_FAILED));
    UUID walletId = wallet(ivan, "0");
    UUID poison = submit(ivan, operation(walletId, "DEPOSIT", "13.13"));
    JsonObject failed = awaitEvents("/ivan", 1).get(0).json().getJsonObject("data");
    assertEquals(poison.toString(), failed.getString("operationId"));
    assertEquals("FAILED", failed.getString("status"));
    assertEquals("PROCESSING_FAILED", failed.getString("failureReason"));
  }

  @Test
  void nothingIsRecordedForAPrincipalWithoutAMatchingSubscription() {
    Principal grace = principal();
    Principal heidi = principal();
    // Heidi listens to failures only: her completed operations are not recorded either.
    subscribe(heidi, receiver.url("/heidi"), List.of(EventTypes.OPERATION_FAILED));
    UUID graceWallet = wallet(grace, "0");
    UUID heidiWallet = wallet(heidi, "0");
    for (int i = 0; i < 5; i++) {
      submit(grace, operation(graceWallet, "DEPOSIT", "1"));
      submit(heidi, operation(heidiWallet, "DEPOSIT", "1"));
    }
    UUID failing = submit(heidi, operation(heidiWallet, "WITHDRAW", "100"));
    awaitEvents("/heidi", 1);
    assertEquals(failing.toString(), receiver.at("/heidi").get(0).json().getJsonObject("data").getString("operationId"));
    Await.until("grace's deposits applied", SETTLE, () -> new BigDecimal("5").compareTo(new BigDecimal(
        Await.result(grace.client().get("/api/v1/wallets/" + graceWallet).send()).bodyAsJsonObject()
            .getValue("balance").toString())) == 0);
    long graceRows = Await.result(walletDb.preparedQuery("SELECT count(*) AS n FROM outbox WHERE principal = $1")
        .execute(Tuple.of(grace.subject()))).iterator().next().getLong("n");
    long heidiRows = Await.result(walletDb.preparedQuery("SELECT count(*) AS n FROM outbox WHERE principal = $1")
        .execute(Tuple.of(heidi.subject()))).iterator().next().getLong("n");
    assertEquals(0, graceRows, "no event is recorded for a principal without a subscription");
    assertEquals(1, heidiRows, "only the failed operation heidi listens to is recorded");
    Set<String> types = new HashSet<>();
    receiver.at("/heidi").forEach(one -> types.add(one.json().getString("type")));
    assertEquals(Set.of(EventTypes.OPERATION_FAILED), types);
  }
}
