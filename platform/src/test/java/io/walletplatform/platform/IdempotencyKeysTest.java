package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.idempotency.IdempotencyKeys;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idempotency-Key (issue #32, item 1) on every POST of the four APIs, through the single entry
 * point with its real databases: a retry gets the first answer again, status, Location and body, with
 * {@code Idempotency-Replayed: true}, and changes nothing; another request under the same key is 422;
 * a key held by a running request is 409; keys are per principal; an error is not kept; a claim whose
 * process died is taken over after its lease and the rerun finds the first run's effect.
 */
class IdempotencyKeysTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static Authentication authentication;
  private static PlatformSettings settings;
  private static WebClient admin;
  private static Pool walletDb;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("idempotency").with("PLATFORM_PORT", Integer.toString(FreePorts.pick()));
    settings = PlatformSettings.from(config);
    authentication = Await.result(Platform.deploy(runtime, settings), SETTLE);
    admin = client(Tokens.admin(authentication));
    walletDb = PgPools.create(vertx, settings.wallet().pg(), "idempotency-test");
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static WebClient client(String token) {
    return Tokens.client(vertx, settings.http().port(), token);
  }

  private static HttpResponse<Buffer> post(WebClient client, String path, String body, String key) {
    var request = client.post(path).putHeader("content-type", "application/json");
    if (key != null) {
      request.putHeader(IdempotencyKeys.HEADER, key);
    }
    return Await.result(request.sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject get(WebClient client, String path) {
    HttpResponse<Buffer> response = Await.result(client.get(path).send());
    assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** Sends the request twice under one key: the second answer is the first, replayed. Returns the first. */
  private static HttpResponse<Buffer> replayed(WebClient client, String path, String body, int status) {
    String key = "key-" + UUID.randomUUID();
    HttpResponse<Buffer> first = post(client, path, body, key);
    assertEquals(status, first.statusCode(), path + ": " + first.bodyAsString());
    assertNull(first.getHeader(IdempotencyKeys.REPLAYED), "a first answer is not a replay");
    // The same request again, its JSON members in another order: the same request.
    String reordered = body.isEmpty() ? body : reorder(body);
    HttpResponse<Buffer> again = post(client, path, reordered, key);
    assertEquals(status, again.statusCode(), path + " replayed: " + again.bodyAsString());
    assertEquals("true", again.getHeader(IdempotencyKeys.REPLAYED), path);
    assertEquals(first.bodyAsString(), again.bodyAsString(), path + ": the replay is the first body, byte for byte");
    assertEquals(first.getHeader("Location"), again.getHeader("Location"), path);
    assertTrue(again.getHeader("content-type").startsWith("application/json"), path);
    return first;
  }

  private static String reorder(String json) {
    JsonObject object = new JsonObject(json);
    List<String> names = new ArrayList<>(object.fieldNames());
    java.util.Collections.reverse(names);
    JsonObject reversed = new JsonObject();
    names.forEach(name -> reversed.put(name, object.getValue(name)));
    return reversed.encode();
  }

  /** The POST operations of the four contracts. */
  @SuppressWarnings("unchecked")
  private static Set<String> postOperations() {
    Set<String> operations = new TreeSet<>();
    for (String name : List.of("wallet-api", "payments-api", "orders-api", "webhooks-api")) {
      try (var in = IdempotencyKeysTest.class.getClassLoader().getResourceAsStream("openapi/" + name + ".yaml")) {
        Map<String, Object> document = new Yaml().load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        ((Map<String, Map<String, Object>>) document.get("paths")).values().forEach(item -> {
          Object post = item.get("post");
          if (post != null) {
            operations.add((String) ((Map<String, Object>) post).get("operationId"));
          }
        });
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return operations;
  }

  @Test
  void everyPostOfEveryApiReplaysItsFirstAnswerAndChangesNothingMore() {
    Set<String> covered = new HashSet<>();
    String subject = UUID.randomUUID().toString();
    WebClient user = client(Tokens.issue(authentication, subject, "wallets payments orders"));

    // createWallet: one wallet, whose id a retry is told again.
    UUID walletId = UUID.fromString(replayed(user, "/api/v1/wallets", "{\"asset\":\"USD\"}", 201)
        .bodyAsJsonObject().getString("walletId"));
    covered.add("createWallet");
    assertEquals(1, walletsOf(subject), "one wallet for two requests");

    // createMonitor: one monitor.
    replayed(user, "/api/v1/wallets/" + walletId + "/monitors",
        "{\"field\":\"balance\",\"operator\":\"lt\",\"value\":5,\"metadata\":{\"b\":\"2\",\"a\":\"1\"}}", 201);
    covered.add("createMonitor");
    assertEquals(1, get(user, "/api/v1/wallets/" + walletId + "/monitors").getJsonArray("items").size());

    // createAsset (admin).
    String code = "IK" + Long.toString(System.nanoTime() % 1_000_000_000L, 36).toUpperCase(java.util.Locale.ROOT);
    replayed(admin, "/api/v1/assets", "{\"code\":\"" + code + "\",\"precision\":3}", 201);
    covered.add("createAsset");

    // submitOperation: a DEPOSIT applied once.
    JsonObject deposit = replayed(admin, "/api/v1/wallet", operation(walletId, "10.00"), 202).bodyAsJsonObject();
    covered.add("submitOperation");
    UUID other = UUID.fromString(replayed(user, "/api/v1/wallets", "{}", 201)
        .bodyAsJsonObject().getString("walletId"));
    awaitBalance(user, walletId, "10.00");

    // submitTransaction and reverseTransaction.
    JsonObject transaction = replayed(user, "/api/v1/transactions", new JsonObject().put("postings", new JsonArray()
        .add(new JsonObject().put("from", walletId.toString()).put("to", other.toString()).put("amount", new BigDecimal("4.00"))))
        .encode(), 202).bodyAsJsonObject();
    covered.add("submitTransaction");
    String transactionId = transaction.getString("transactionId");
    Await.until("the transaction completes", SETTLE, () -> "COMPLETED".equals(
        get(user, "/api/v1/transactions/" + transactionId).getString("status")));
    replayed(user, "/api/v1/transactions/" + transactionId + "/reverse", "", 202);
    covered.add("reverseTransaction");
    awaitBalance(user, other, "0.00");
    // Applied twice, the deposit would leave 20.00, the transaction 2.00 and 8.00, the reversal 14.00 and 0.00.
    awaitBalance(user, walletId, "10.00");
    assertEquals(deposit.getString("walletId"), walletId.toString());

    // createAccount, deposit (admin: funding), createOrder and refundOrder.
    UUID userId = UUID.fromString(subject);
    replayed(user, "/api/v1/accounts", "{}", 201);
    covered.add("createAccount");
    replayed(admin, "/api/v1/accounts/" + userId + "/deposits", "{\"amount\":50}", 200);
    covered.add("deposit");
    assertEquals(0, new BigDecimal("50").compareTo(new BigDecimal(
        get(user, "/api/v1/accounts/" + userId).getValue("balance").toString())), "one deposit for two requests");
    String orderId = replayed(user, "/api/v1/orders", "{\"amount\":20,\"description\":\"once\"}", 201)
        .bodyAsJsonObject().getString("orderId");
    covered.add("createOrder");
    assertEquals(1, get(user, "/api/v1/orders").getJsonArray("items").size(), "one order for two requests");
    Await.until("the order is paid", SETTLE, () -> "FINISHED".equals(
        get(user, "/api/v1/orders/" + orderId).getString("status")));
    replayed(user, "/api/v1/orders/" + orderId + "/refund", "", 202);
    covered.add("refundOrder");

    // createWebhook: one subscription, and its secret told again to the retry (the one that lost the answer).
    HttpResponse<Buffer> webhook = replayed(user, "/api/v1/webhooks",
        "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"wallet.operation.completed\"]}", 201);
    covered.add("createWebhook");
    assertTrue(webhook.bodyAsJsonObject().getString("secret") != null);
    assertEquals(1, get(user, "/api/v1/webhooks").getJsonArray("items").size(), "one subscription for two requests");

    // retryDelivery: an error answer (no such delivery) is not kept: the same key runs again.
    String retry = "/api/v1/webhooks/" + webhook.bodyAsJsonObject().getString("webhookId") + "/deliveries/"
        + UUID.randomUUID() + "/retry";
    for (int attempt = 0; attempt < 2; attempt++) {
      HttpResponse<Buffer> missing = post(user, retry, "", "retry-key");
      assertProblem(missing, 404, "DELIVERY_NOT_FOUND", null);
      assertNull(missing.getHeader(IdempotencyKeys.REPLAYED));
    }
    covered.add("retryDelivery");

    assertEquals(postOperations(), covered, "every POST of every contract is checked here");
  }

  private static long walletsOf(String subject) {
    return Await.result(walletDb.preparedQuery("SELECT count(*) FROM wallets WHERE owner_id = $1")
        .execute(Tuple.of(subject))).iterator().next().getLong(0);
  }

  private static String operation(UUID walletId, String amount) {
    return "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":" + amount + "}";
  }

  private static void awaitBalance(WebClient client, UUID walletId, String balance) {
    Await.until("wallet " + walletId + " holds " + balance, SETTLE, () -> new BigDecimal(balance).compareTo(
        new BigDecimal(get(client, "/api/v1/wallets/" + walletId).getValue("balance").toString())) == 0);
  }

  @Test
  void anotherRequestUnderTheSameKeyIs422AndKeysArePerPrincipal() {
    WebClient alice = client(Tokens.user(authentication));
    WebClient bob = client(Tokens.user(authentication));
    HttpResponse<Buffer> first = post(alice, "/api/v1/wallets", "{\"asset\":\"USD\"}", "shared-key");
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertProblem(post(alice, "/api/v1/wallets", "{\"asset\":\"EUR\"}", "shared-key"), 422,
        "IDEMPOTENCY_KEY_REUSED", null);
    // The same key on another operation is another request, not a reuse.
    HttpResponse<Buffer> account = post(alice, "/api/v1/accounts", "{}", "shared-key");
    assertEquals(201, account.statusCode(), account.bodyAsString());
    // Bob's same key and body: his own wallet, not a replay of Alice's.
    HttpResponse<Buffer> bobs = post(bob, "/api/v1/wallets", "{\"asset\":\"USD\"}", "shared-key");
    assertEquals(201, bobs.statusCode(), bobs.bodyAsString());
    assertNull(bobs.getHeader(IdempotencyKeys.REPLAYED));
    assertNotEquals(first.bodyAsJsonObject().getString("walletId"), bobs.bodyAsJsonObject().getString("walletId"));
    // Keys are 1 to 255 characters.
    assertProblem(post(alice, "/api/v1/wallets", "{}", "k".repeat(256)), 400, "VALIDATION_FAILED", "Idempotency-Key");
  }

  @Test
  void concurrentRetriesGetTheAnswerOr409AndMakeOneEffect() {
    String subject = UUID.randomUUID().toString();
    WebClient user = client(Tokens.issue(authentication, subject, "wallets payments orders"));
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(user.post("/api/v1/wallets").putHeader("content-type", "application/json")
          .putHeader(IdempotencyKeys.HEADER, "burst").sendBuffer(Buffer.buffer("{}")));
    }
    Await.result(Future.join(attempts));
    Set<String> wallets = new HashSet<>();
    for (Future<HttpResponse<Buffer>> attempt : attempts) {
      HttpResponse<Buffer> response = attempt.result();
      if (response.statusCode() == 409) {
        assertProblem(response, 409, "IDEMPOTENCY_KEY_IN_PROGRESS", null);
        assertEquals("1", response.getHeader("Retry-After"));
      } else {
        assertEquals(201, response.statusCode(), response.bodyAsString());
        wallets.add(response.bodyAsJsonObject().getString("walletId"));
      }
    }
    assertEquals(1, wallets.size(), "every answer names the one wallet");
    assertEquals(1, walletsOf(subject));
  }

  @Test
  void aClaimWhoseProcessDiedIs409UntilItsLeaseEndsThenTheRerunFindsTheFirstEffect() {
    String subject = UUID.randomUUID().toString();
    WebClient owner = client(Tokens.issue(authentication, subject, "wallets payments orders funding"));
    UUID walletId = UUID.fromString(post(owner, "/api/v1/wallets", "{}", null).bodyAsJsonObject()
        .getString("walletId"));
    String body = operation(walletId, "3.00");
    HttpResponse<Buffer> first = post(owner, "/api/v1/wallet", body, "crash-key");
    assertEquals(202, first.statusCode(), first.bodyAsString());
    String operationId = first.bodyAsJsonObject().getString("operationId");
    awaitBalance(owner, walletId, "3.00");

    // As if the process had died after sending the operation and before storing its answer: the
    // claim is there, unanswered, its lease running.
    String scope = subject + " submitOperation";
    Await.result(walletDb.preparedQuery("""
            UPDATE idempotency_keys SET response_status = NULL, response_body = NULL, response_headers = NULL,
                   claim_token = gen_random_uuid(), claimed_until = now() + interval '1 hour'
             WHERE scope = $1 AND idempotency_key = $2""")
        .execute(Tuple.of(scope, "crash-key")));
    HttpResponse<Buffer> held = post(owner, "/api/v1/wallet", body, "crash-key");
    assertProblem(held, 409, "IDEMPOTENCY_KEY_IN_PROGRESS", null);
    assertEquals("1", held.getHeader("Retry-After"));

    // The lease ends: the retry runs the request again, and the operation id derived from the key
    // makes it the first operation, not a second deposit.
    Await.result(walletDb.preparedQuery("UPDATE idempotency_keys SET claimed_until = now() - interval '1 second'"
        + " WHERE scope = $1 AND idempotency_key = $2").execute(Tuple.of(scope, "crash-key")));
    HttpResponse<Buffer> rerun = post(owner, "/api/v1/wallet", body, "crash-key");
    assertEquals(202, rerun.statusCode(), rerun.bodyAsString());
    assertNull(rerun.getHeader(IdempotencyKeys.REPLAYED), "a rerun, not a replay");
    assertEquals(operationId, rerun.bodyAsJsonObject().getString("operationId"));
    HttpResponse<Buffer> replay = post(owner, "/api/v1/wallet", body, "crash-key");
    assertEquals("true", replay.getHeader(IdempotencyKeys.REPLAYED), "the rerun's answer is kept");
    assertEquals(1, get(owner, "/api/v1/wallets/" + walletId + "/operations").getJsonArray("items").size());
    awaitBalance(owner, walletId, "3.00");

    // A record older than its time to live is gone: the key may name another request.
    Await.result(walletDb.preparedQuery("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'"
        + " WHERE scope = $1 AND idempotency_key = $2").execute(Tuple.of(scope, "crash-key")));
    String another = operation(walletId, "1.00");
    HttpResponse<Buffer> reused = post(owner, "/api/v1/wallet", another, "crash-key");
    assertEquals(202, reused.statusCode(), reused.bodyAsString());
    awaitBalance(owner, walletId, "4.00");
  }

  @Test
  void aFailedRequestKeepsNothingAndItsRetryRunsAgain() {
    String subject = UUID.randomUUID().toString();
    WebClient user = client(Tokens.issue(authentication, subject, "wallets payments orders"));
    UUID userId = UUID.fromString(subject);
    // No account yet: the deposit fails, and nothing is kept under its key.
    assertProblem(post(admin, "/api/v1/accounts/" + userId + "/deposits", "{\"amount\":5}", "top-up"), 404,
        "ACCOUNT_NOT_FOUND", null);
    assertEquals(201, post(user, "/api/v1/accounts", "{}", null).statusCode());
    HttpResponse<Buffer> retried = post(admin, "/api/v1/accounts/" + userId + "/deposits", "{\"amount\":5}", "top-up");
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertNull(retried.getHeader(IdempotencyKeys.REPLAYED));
    assertEquals(0, new BigDecimal("5").compareTo(new BigDecimal(retried.bodyAsJsonObject().getValue("balance")
        .toString())));
  }
}
