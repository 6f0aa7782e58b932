package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfers, holds (capture, void, expiry), the balance at an instant and statements, through the
 * single entry point with the real worker, Kafka, PostgreSQL and Redis.
 */
@ExtendWith(VertxExtension.class)
class TransfersAndHoldsTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);
  /** Rounds of transfers from every wallet to every other: 4 wallets, 12 transfers a round. */
  private static final int ROUNDS = 50;

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static WebClient alice;
  private static WebClient bob;
  private static Pool pool;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("holds").with("PLATFORM_PORT", Integer.toString(FreePorts.pick()))
        .with("HOLD_EXPIRY_SCAN_MS", "500");
    PlatformSettings settings = PlatformSettings.from(config);
    Authentication authentication = Await.result(Platform.deploy(runtime, settings), Duration.ofSeconds(60));
    WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(settings.http().port());
    alice = Tokens.bearing(WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(32)),
        Tokens.user(authentication));
    bob = Tokens.bearing(WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(32)),
        Tokens.user(authentication));
    pool = PgPools.create(vertx, settings.wallet().pg(), "holds-test");
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static UUID createWallet(WebClient client, String initialBalance) {
    HttpResponse<Buffer> created = Await.result(client.post("/api/v1/wallets")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\":" + initialBalance + "}")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return UUID.fromString(created.bodyAsJsonObject().getString("walletId"));
  }

  private static Future<HttpResponse<Buffer>> submitAsync(WebClient client, JsonObject body) {
    return client.post("/api/v1/wallet").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode()));
  }

  /** Submits and answers the operationId of the 202. */
  private static UUID submit(WebClient client, JsonObject body) {
    HttpResponse<Buffer> accepted = Await.result(submitAsync(client, body));
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    return UUID.fromString(accepted.bodyAsJsonObject().getString("operationId"));
  }

  private static JsonObject operation(UUID walletId, String type, String amount) {
    JsonObject body = new JsonObject().put("walletId", walletId.toString()).put("operationType", type);
    if (amount != null) {
      body.put("amount", new BigDecimal(amount));
    }
    return body;
  }

  private static JsonObject transfer(UUID from, UUID to, String amount) {
    return operation(from, "TRANSFER", amount).put("toWalletId", to.toString());
  }

  private static JsonObject settle(UUID walletId, String type, UUID holdId, String amount) {
    return operation(walletId, type, amount).put("holdId", holdId.toString());
  }

  /** The operation once final, as the wallet's owner reads it. */
  private static JsonObject awaitFinal(WebClient client, UUID walletId, UUID operationId) {
    JsonObject[] last = new JsonObject[1];
    Await.until("operation " + operationId + " final", SETTLE, () -> {
      HttpResponse<Buffer> read = Await.result(client.get("/api/v1/wallets/" + walletId + "/operations/" + operationId)
          .send());
      if (read.statusCode() != 200) {
        return false;
      }
      last[0] = read.bodyAsJsonObject();
      return !"PENDING".equals(last[0].getString("status"));
    });
    return last[0];
  }

  private static JsonObject wallet(WebClient client, UUID walletId) {
    HttpResponse<Buffer> read = Await.result(client.get("/api/v1/wallets/" + walletId).send());
    assertEquals(200, read.statusCode(), read.bodyAsString());
    return read.bodyAsJsonObject();
  }

  private static String amount(JsonObject json, String field) {
    return new BigDecimal(json.getValue(field).toString()).setScale(2).toPlainString();
  }

  /** Every item of the wallet's history, newest first, two a page (pagination is part of what is tested). */
  private static List<JsonObject> history(WebClient client, UUID walletId, String query) {
    return history(client, walletId, query, 2);
  }

  private static List<JsonObject> history(WebClient client, UUID walletId, String query, int pageSize) {
    List<JsonObject> items = new ArrayList<>();
    String cursor = null;
    do {
      String path = "/api/v1/wallets/" + walletId + "/operations?limit=" + pageSize + query
          + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<Buffer> page = Await.result(client.get(path).send());
      assertEquals(200, page.statusCode(), page.bodyAsString());
      page.bodyAsJsonObject().getJsonArray("items").forEach(item -> items.add((JsonObject) item));
      cursor = page.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    return items;
  }

  @Test
  void aTransferMovesMoneyBetweenTwoPrincipalsAndShowsInBothHistories() {
    UUID source = createWallet(alice, "100.00");
    UUID destination = createWallet(bob, "5.00");
    UUID transferId = submit(alice, transfer(source, destination, "30.25"));

    JsonObject sent = awaitFinal(alice, source, transferId);
    assertEquals("COMPLETED", sent.getString("status"), sent.encode());
    assertEquals("69.75", amount(sent, "balanceAfter"));
    assertEquals(destination.toString(), sent.getString("toWalletId"));
    assertNull(sent.getValue("fromWalletId"));

    // Bob sees it under his own wallet, with his own balance after it; he may not read Alice's wallet.
    JsonObject received = awaitFinal(bob, destination, transferId);
    assertEquals(destination.toString(), received.getString("walletId"));
    assertEquals(source.toString(), received.getString("fromWalletId"));
    assertEquals("35.25", amount(received, "balanceAfter"));
    assertProblem(Await.result(bob.get("/api/v1/wallets/" + source).send()), 404, "WALLET_NOT_FOUND", null);
    assertProblem(Await.result(bob.get("/api/v1/wallets/" + source + "/operations/" + transferId).send()), 404,
        "OPERATION_NOT_FOUND", null);

    JsonObject sourceWallet = wallet(alice, source);
    JsonObject destinationWallet = wallet(bob, destination);
    assertEquals("69.75", amount(sourceWallet, "balance"));
    assertEquals("35.25", amount(destinationWallet, "balance"));
    assertEquals(1, sourceWallet.getLong("version"));
    assertEquals(1, destinationWallet.getLong("version"));
    assertEquals(transferId.toString(), history(bob, destination, "").get(0).getString("operationId"));
    assertEquals(transferId.toString(), history(alice, source, "").get(0).getString("operationId"));

    // The same operationId with another destination is a reuse, not a second transfer.
    JsonObject other = transfer(source, createWallet(alice, "0"), "30.25").put("operationId", transferId.toString());
    assertProblem(Await.result(submitAsync(alice, other)), 422, "IDEMPOTENCY_KEY_REUSED", null);
  }

  @Test
  void aTransferThatCannotCompleteMovesNothing() {
    UUID source = createWallet(alice, "10.00");
    UUID destination = createWallet(bob, "0");
    JsonObject tooMuch = awaitFinal(alice, source, submit(alice, transfer(source, destination, "10.01")));
    assertEquals("INSUFFICIENT_FUNDS", tooMuch.getString("failureReason"));
    JsonObject nowhere = awaitFinal(alice, source, submit(alice, transfer(source, UUID.randomUUID(), "1")));
    assertEquals("WALLET_NOT_FOUND", nowhere.getString("failureReason"));
    assertEquals("10.00", amount(wallet(alice, source), "balance"));
    assertEquals("0.00", amount(wallet(bob, destination), "balance"));
    assertTrue(history(bob, destination, "").isEmpty(), "a failed transfer is not in the destination's history");
  }

  @Test
  void eachTypeTakesItsOwnMembersOnly() {
    UUID walletId = createWallet(alice, "10");
    assertProblem(Await.result(submitAsync(alice, transfer(walletId, walletId, "1"))), 400, "VALIDATION_FAILED",
        "toWalletId");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "TRANSFER", "1"))), 400, "VALIDATION_FAILED",
        "toWalletId");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "DEPOSIT", "1")
        .put("toWalletId", UUID.randomUUID().toString()))), 400, "VALIDATION_FAILED", "toWalletId");
    assertProblem(Await.result(submitAsync(alice, settle(walletId, "VOID", UUID.randomUUID(), "1"))), 400,
        "VALIDATION_FAILED", "amount");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "CAPTURE", "1"))), 400, "VALIDATION_FAILED",
        "holdId");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "HOLD", "1")
        .put("expiresAt", Instant.now().minusSeconds(1).toString()))), 400, "VALIDATION_FAILED", "expiresAt");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "HOLD", "1")
        .put("expiresAt", Instant.now().plus(Duration.ofDays(31)).toString()))), 400, "VALIDATION_FAILED", "expiresAt");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "HOLD", "1").put("expiresAt", "tomorrow"))), 400,
        "VALIDATION_FAILED", "expiresAt");
    assertProblem(Await.result(submitAsync(alice, operation(walletId, "REFUND", "1"))), 400, "VALIDATION_FAILED",
        "operationType");
  }

  @Test
  void aHoldReservesTheAvailableAmountUntilCapturedOnce() {
    UUID walletId = createWallet(alice, "100.00");
    UUID holdId = submit(alice, operation(walletId, "HOLD", "40.00"));
    JsonObject hold = awaitFinal(alice, walletId, holdId);
    assertEquals("COMPLETED", hold.getString("status"));
    assertEquals("ACTIVE", hold.getString("holdStatus"));
    assertTrue(Instant.parse(hold.getString("expiresAt")).isAfter(Instant.now().plus(Duration.ofDays(6))),
        "the default expiry is 7 days: " + hold.encode());
    JsonObject held = wallet(alice, walletId);
    assertEquals("100.00", amount(held, "balance"));
    assertEquals("40.00", amount(held, "held"));
    assertEquals("60.00", amount(held, "available"));

    // The available amount is what a WITHDRAW, a TRANSFER or another HOLD may take.
    assertEquals("INSUFFICIENT_FUNDS", awaitFinal(alice, walletId,
        submit(alice, operation(walletId, "WITHDRAW", "60.01"))).getString("failureReason"));
    assertEquals("INSUFFICIENT_FUNDS", awaitFinal(alice, walletId,
        submit(alice, operation(walletId, "HOLD", "60.01"))).getString("failureReason"));
    assertEquals("AMOUNT_EXCEEDS_HOLD", awaitFinal(alice, walletId,
        submit(alice, settle(walletId, "CAPTURE", holdId, "40.01"))).getString("failureReason"));
    assertEquals("HOLD_NOT_FOUND", awaitFinal(alice, walletId,
        submit(alice, settle(walletId, "CAPTURE", UUID.randomUUID(), "1"))).getString("failureReason"));
    UUID othersWallet = createWallet(bob, "0");
    assertEquals("HOLD_NOT_FOUND", awaitFinal(bob, othersWallet,
        submit(bob, settle(othersWallet, "VOID", holdId, null))).getString("failureReason"), "another wallet's hold");

    JsonObject captured = awaitFinal(alice, walletId, submit(alice, settle(walletId, "CAPTURE", holdId, "25.00")));
    assertEquals("COMPLETED", captured.getString("status"), captured.encode());
    assertEquals("75.00", amount(captured, "balanceAfter"));
    JsonObject after = wallet(alice, walletId);
    assertEquals("75.00", amount(after, "balance"));
    assertEquals("0.00", amount(after, "held"), "the rest of the hold is released");
    assertEquals("75.00", amount(after, "available"));
    assertEquals("CAPTURED", awaitFinal(alice, walletId, holdId).getString("holdStatus"));

    assertEquals("HOLD_NOT_ACTIVE", awaitFinal(alice, walletId,
        submit(alice, settle(walletId, "CAPTURE", holdId, "1"))).getString("failureReason"));
    assertEquals("HOLD_NOT_ACTIVE", awaitFinal(alice, walletId,
        submit(alice, settle(walletId, "VOID", holdId, null))).getString("failureReason"));
    assertEquals("75.00", amount(wallet(alice, walletId), "balance"));
  }

  @Test
  void aCaptureRacingAVoidSettlesEachHoldOnce() {
    UUID walletId = createWallet(alice, "1000.00");
    List<UUID> holds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      holds.add(submit(alice, operation(walletId, "HOLD", "10.00")));
    }
    holds.forEach(holdId -> assertEquals("COMPLETED", awaitFinal(alice, walletId, holdId).getString("status")));
    // Each hold gets a CAPTURE and a VOID at once, each submitted twice (a client's retry with the same id).
    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    List<UUID[]> pairs = new ArrayList<>();
    for (UUID holdId : holds) {
      UUID capture = UUID.randomUUID();
      UUID voiding = UUID.randomUUID();
      pairs.add(new UUID[] {holdId, capture, voiding});
      for (int attempt = 0; attempt < 2; attempt++) {
        racing.add(submitAsync(alice, settle(walletId, "CAPTURE", holdId, "7.00").put("operationId", capture.toString())));
        racing.add(submitAsync(alice, settle(walletId, "VOID", holdId, null).put("operationId", voiding.toString())));
      }
    }
    Await.result(Future.join(racing));
    racing.forEach(response -> assertEquals(202, response.result().statusCode(), response.result().bodyAsString()));
    int captures = 0;
    for (UUID[] pair : pairs) {
      String capture = awaitFinal(alice, walletId, pair[1]).getString("status");
      String voiding = awaitFinal(alice, walletId, pair[2]).getString("status");
      assertTrue("COMPLETED".equals(capture) ^ "COMPLETED".equals(voiding),
          "exactly one of the CAPTURE and the VOID of hold " + pair[0] + ": " + capture + ", " + voiding);
      String holdStatus = awaitFinal(alice, walletId, pair[0]).getString("holdStatus");
      assertEquals("COMPLETED".equals(capture) ? "CAPTURED" : "VOIDED", holdStatus);
      captures += "COMPLETED".equals(capture) ? 1 : 0;
    }
    JsonObject after = wallet(alice, walletId);
    assertEquals(new BigDecimal("1000.00").subtract(new BigDecimal("7.00").multiply(BigDecimal.valueOf(captures)))
        .toPlainString(), amount(after, "balance"));
    assertEquals("0.00", amount(after, "held"));
    assertEquals(0, count("SELECT count(*) FROM wallet_holds WHERE wallet_id = $1 AND status = 'ACTIVE'", walletId));
  }

  @Test
  void anExpiredHoldIsReleasedByThePlatformAndCannotBeCapturedAfter() {
    UUID walletId = createWallet(alice, "50.00");
    UUID holdId = submit(alice, operation(walletId, "HOLD", "20.00")
        .put("expiresAt", Instant.now().plusSeconds(2).toString()));
    assertEquals("COMPLETED", awaitFinal(alice, walletId, holdId).getString("status"));
    assertEquals("20.00", amount(wallet(alice, walletId), "held"));
    Await.until("the hold expired", SETTLE, () -> "EXPIRED".equals(awaitFinal(alice, walletId, holdId)
        .getString("holdStatus")));
    JsonObject after = wallet(alice, walletId);
    assertEquals("0.00", amount(after, "held"));
    assertEquals("50.00", amount(after, "available"));
    JsonObject release = history(alice, walletId, "").get(0);
    assertEquals("VOID", release.getString("operationType"));
    assertEquals("platform", release.getString("requestedBy"));
    assertEquals(holdId.toString(), release.getString("holdId"));
    assertEquals("20.00", amount(release, "amount"));
    assertEquals("HOLD_NOT_ACTIVE", awaitFinal(alice, walletId,
        submit(alice, settle(walletId, "CAPTURE", holdId, "1"))).getString("failureReason"));
  }

  @Test
  void theBalanceAtAnInstantAndStatementsOfAPeriod() {
    UUID walletId = createWallet(alice, "10.00");
    UUID deposit = submit(alice, operation(walletId, "DEPOSIT", "5.00"));
    Instant depositAt = Instant.parse(awaitFinal(alice, walletId, deposit).getString("processedAt"));
    UUID hold = submit(alice, operation(walletId, "HOLD", "3.00"));
    Instant holdAt = Instant.parse(awaitFinal(alice, walletId, hold).getString("processedAt"));
    // The instants come from the server's own clock (millisecond precision, truncated): one millisecond
    // before a truncated instant is before the event, one after is after it.
    Instant walletCreated = Instant.parse(wallet(alice, walletId).getString("createdAt"));
    assertTrue(!depositAt.isBefore(walletCreated.plusMillis(2)) && !holdAt.isBefore(depositAt.plusMillis(2)),
        "created " + walletCreated + ", deposit applied " + depositAt + ", hold applied " + holdAt);
    Instant beforeCreation = walletCreated.minusMillis(1);
    Instant created = depositAt.minusMillis(1);
    Instant afterDeposit = depositAt.plusMillis(1);
    Instant afterHold = holdAt.plusMillis(1);

    assertProblem(Await.result(alice.get("/api/v1/wallets/" + walletId + "/balance?at=" + beforeCreation).send()), 404,
        "WALLET_NOT_FOUND", null);
    JsonObject initial = balanceAt(walletId, created);
    assertEquals("10.00", amount(initial, "balance"));
    assertEquals(0, initial.getLong("version"));
    JsonObject deposited = balanceAt(walletId, afterDeposit);
    assertEquals("15.00", amount(deposited, "balance"));
    assertEquals("0.00", amount(deposited, "held"));
    assertEquals(1, deposited.getLong("version"));
    JsonObject held = balanceAt(walletId, afterHold);
    assertEquals("15.00", amount(held, "balance"));
    assertEquals("3.00", amount(held, "held"));
    assertEquals("12.00", amount(held, "available"));
    assertEquals(2, held.getLong("version"));

    List<JsonObject> everything = history(alice, walletId, "");
    assertEquals(List.of(hold.toString(), deposit.toString()),
        everything.stream().map(item -> item.getString("operationId")).toList());
    List<JsonObject> first = history(alice, walletId, "&from=" + beforeCreation + "&to=" + afterDeposit);
    assertEquals(List.of(deposit.toString()), first.stream().map(item -> item.getString("operationId")).toList());
    List<JsonObject> second = history(alice, walletId, "&from=" + afterDeposit);
    assertEquals(List.of(hold.toString()), second.stream().map(item -> item.getString("operationId")).toList());

    assertProblem(Await.result(alice.get("/api/v1/wallets/" + walletId + "/balance").send()), 400,
        "VALIDATION_FAILED", "at");
    assertProblem(Await.result(alice.get("/api/v1/wallets/" + walletId + "/balance?at=yesterday").send()), 400,
        "VALIDATION_FAILED", "at");
    assertProblem(Await.result(alice.get("/api/v1/wallets/" + walletId + "/operations?from=" + afterHold + "&to="
        + afterDeposit).send()), 400, "VALIDATION_FAILED", "to");
    assertProblem(Await.result(bob.get("/api/v1/wallets/" + walletId + "/balance?at=" + afterHold).send()), 404,
        "WALLET_NOT_FOUND", null);
  }

  private static JsonObject balanceAt(UUID walletId, Instant at) {
    HttpResponse<Buffer> read = Await.result(alice.get("/api/v1/wallets/" + walletId + "/balance?at=" + at).send());
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals(walletId.toString(), read.bodyAsJsonObject().getString("walletId"));
    return read.bodyAsJsonObject();
  }

  private static long count(String sql, UUID walletId) {
    Row row = Await.result(pool.preparedQuery(sql).execute(Tuple.of(walletId))).iterator().next();
    return row.getLong(0);
  }

  @Test
  void transfersInBothDirectionsUnderLoadNeitherDeadlockNorLoseMoney() {
    List<UUID> wallets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      wallets.add(createWallet(alice, "1000.00"));
    }
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    List<UUID[]> transfers = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < wallets.size(); i++) {
        for (int j = 0; j < wallets.size(); j++) {
          if (i != j) {
            UUID operationId = UUID.randomUUID();
            transfers.add(new UUID[] {wallets.get(i), operationId});
            sent.add(submitAsync(alice, transfer(wallets.get(i), wallets.get(j), "1.00")
                .put("operationId", operationId.toString())));
          }
        }
      }
    }
    Await.result(Future.join(sent), Duration.ofSeconds(120));
    sent.forEach(response -> assertEquals(202, response.result().statusCode(), response.result().bodyAsString()));
    Await.until("every transfer applied", SETTLE, () -> count("""
        SELECT count(*) FROM wallet_operations WHERE wallet_id = ANY($1::uuid[])""",
        wallets.toArray(UUID[]::new)) == transfers.size());
    assertEquals(transfers.size(), count("""
        SELECT count(*) FROM wallet_operations WHERE wallet_id = ANY($1::uuid[]) AND status = 'COMPLETED'""",
        wallets.toArray(UUID[]::new)), "every transfer had the funds: none failed, none was parked");
    long total = 0;
    for (UUID walletId : wallets) {
      // The rows are committed before the worker refreshes the cache the wallet is read from.
      Await.until("the cache has the last batch of " + walletId, SETTLE,
          () -> wallet(alice, walletId).getLong("version") == 2L * ROUNDS * (wallets.size() - 1));
      JsonObject wallet = wallet(alice, walletId);
      assertEquals("1000.00", amount(wallet, "balance"), "each wallet sent and received as much: " + wallet.encode());
      assertEquals(2L * ROUNDS * (wallets.size() - 1), wallet.getLong("version"));
      total += new BigDecimal(amount(wallet, "balance")).movePointRight(2).longValueExact();
    }
    assertEquals(4 * 100_000, total, "money is conserved");
    assertFalse(transfers.isEmpty());
  }

  @Test
  void aHotDestinationFedByManySourcesAtOnceReceivesEveryTransfer() {
    UUID destination = createWallet(bob, "0");
    List<UUID> sources = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      sources.add(createWallet(alice, "100.00"));
    }
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int round = 0; round < 15; round++) {
      for (UUID source : sources) {
        sent.add(submitAsync(alice, transfer(source, destination, "2.00")));
      }
    }
    Await.result(Future.join(sent), Duration.ofSeconds(120));
    sent.forEach(response -> assertEquals(202, response.result().statusCode(), response.result().bodyAsString()));
    Await.until("every transfer applied", SETTLE, () -> count("""
        SELECT count(*) FROM wallet_operations WHERE wallet_id = ANY($1::uuid[]) AND status = 'COMPLETED'""",
        sources.toArray(UUID[]::new)) == sent.size());
    JsonObject received = wallet(bob, destination);
    assertEquals("360.00", amount(received, "balance"), received.encode());
    assertEquals(sent.size(), received.getLong("version"));
    for (UUID source : sources) {
      assertEquals("70.00", amount(wallet(alice, source), "balance"));
    }
    // The destination's own history lists every credit, each with its own balance after it, in order.
    List<JsonObject> credits = new ArrayList<>(history(bob, destination, "", 100).stream()
        .filter(item -> item.getString("fromWalletId") != null).toList());
    assertEquals(sent.size(), credits.size());
    java.util.Collections.reverse(credits);
    for (int i = 0; i < credits.size(); i++) {
      assertEquals(new BigDecimal(2 * (i + 1)).setScale(2).toPlainString(), amount(credits.get(i), "balanceAfter"));
    }
  }

  private static long count(String sql, UUID[] walletIds) {
    Row row = Await.result(pool.preparedQuery(sql).execute(Tuple.of(walletIds))).iterator().next();
    return row.getLong(0);
  }
}
