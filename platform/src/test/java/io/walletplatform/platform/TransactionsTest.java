package io.walletplatform.platform;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactions (issue #31) through the single entry point with the real worker and its coordinator,
 * Kafka, PostgreSQL and Redis: N postings among wallets spread over the topic's partitions, all
 * applied or none.
 */
@ExtendWith(VertxExtension.class)
class TransactionsTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static WebClient alice;
  private static WebClient bob;
  private static WebClient treasury;
  private static io.vertx.sqlclient.Pool pool;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("transactions").with("PLATFORM_PORT", Integer.toString(FreePorts.pick()));
    PlatformSettings settings = PlatformSettings.from(config);
    Authentication authentication = Await.result(Platform.deploy(runtime, settings), Duration.ofSeconds(60));
    WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(settings.http().port());
    alice = Tokens.bearing(WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(16)),
        Tokens.user(authentication));
    bob = Tokens.bearing(WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(16)),
        Tokens.user(authentication));
    pool = io.walletplatform.common.db.PgPools.create(vertx, settings.wallet().pg(), "transactions-test");
    treasury = Tokens.bearing(WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(4)),
        Tokens.admin(authentication));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static UUID createWallet(WebClient client, String body) {
    HttpResponse<Buffer> created = Await.result(client.post("/api/v1/wallets")
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return UUID.fromString(created.bodyAsJsonObject().getString("walletId"));
  }

  private static JsonObject posting(UUID from, UUID to, String amount) {
    return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("amount", new BigDecimal(amount));
  }

  private static HttpResponse<Buffer> submit(WebClient client, JsonObject body) {
    return Await.result(client.post("/api/v1/transactions").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode())));
  }

  private static JsonObject awaitFinal(WebClient client, String transactionId) {
    JsonObject[] last = new JsonObject[1];
    Await.until("transaction " + transactionId + " final", SETTLE, () -> {
      HttpResponse<Buffer> read = Await.result(client.get("/api/v1/transactions/" + transactionId).send());
      assertEquals(200, read.statusCode(), read.bodyAsString());
      last[0] = read.bodyAsJsonObject();
      return !"PENDING".equals(last[0].getString("status"));
    });
    return last[0];
  }

  private static BigDecimal balance(WebClient client, UUID walletId) {
    return new BigDecimal(Await.result(client.get("/api/v1/wallets/" + walletId).send()).bodyAsJsonObject()
        .getValue("balance").toString());
  }

  private static BigDecimal held(WebClient client, UUID walletId) {
    return new BigDecimal(Await.result(client.get("/api/v1/wallets/" + walletId).send()).bodyAsJsonObject()
        .getValue("held").toString());
  }

  /**
   * A payment with its fee and a marketplace split: one wallet pays three, another pays one, in one
   * transaction; every posting shows in both wallets' statements with the transaction's id; a
   * resubmission answers the same transaction, a different one under its id is 422.
   */
  @Test
  void threePostingsAmongWalletsOfSeveralPartitionsApplyTogether() {
    UUID buyer = createWallet(alice, "{\"initialBalance\": 100}");
    UUID sponsor = createWallet(alice, "{\"initialBalance\": 10}");
    UUID merchant = createWallet(bob, "{}");
    UUID platform = createWallet(bob, "{}");
    UUID partner = createWallet(bob, "{}");
    JsonObject body = new JsonObject().put("transactionId", UUID.randomUUID().toString())
        .put("postings", new JsonArray()
            .add(posting(buyer, merchant, "80.00"))
            .add(posting(buyer, platform, "2.50"))
            .add(posting(buyer, partner, "7.50"))
            .add(posting(sponsor, merchant, "5")))
        .put("metadata", new JsonObject().put("order", "A-17"));
    HttpResponse<Buffer> accepted = submit(alice, body);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    String transactionId = accepted.bodyAsJsonObject().getString("transactionId");
    assertEquals("/api/v1/transactions/" + transactionId, accepted.getHeader("Location"));
    JsonObject done = awaitFinal(alice, transactionId);
    assertEquals("COMPLETED", done.getString("status"), done.encode());
    assertEquals("A-17", done.getJsonObject("metadata").getString("order"));
    assertEquals(0, new BigDecimal("10.00").compareTo(balance(alice, buyer)));
    assertEquals(0, new BigDecimal("5.00").compareTo(balance(alice, sponsor)));
    assertEquals(0, BigDecimal.ZERO.compareTo(held(alice, buyer)), "the reservation was captured");
    assertEquals(0, new BigDecimal("85.00").compareTo(balance(bob, merchant)));
    assertEquals(0, new BigDecimal("2.50").compareTo(balance(bob, platform)));
    assertEquals(0, new BigDecimal("7.50").compareTo(balance(bob, partner)));

    JsonArray merchantHistory = Await.result(bob.get("/api/v1/wallets/" + merchant + "/operations").send())
        .bodyAsJsonObject().getJsonArray("items");
    assertEquals(2, merchantHistory.size(), merchantHistory.encode());
    for (int i = 0; i < merchantHistory.size(); i++) {
      assertEquals(transactionId, merchantHistory.getJsonObject(i).getString("transactionId"));
    }

    HttpResponse<Buffer> replay = submit(alice, body);
    assertEquals(202, replay.statusCode(), replay.bodyAsString());
    assertEquals("COMPLETED", replay.bodyAsJsonObject().getString("status"), "the same transaction, applied once");
    assertProblem(submit(alice, body.copy().put("metadata", new JsonObject().put("order", "B"))), 422,
        "IDEMPOTENCY_KEY_REUSED", null);
    assertEquals(0, new BigDecimal("85.00").compareTo(balance(bob, merchant)), "nothing moved twice");
    assertProblem(Await.result(bob.get("/api/v1/transactions/" + transactionId).send()), 404,
        "TRANSACTION_NOT_FOUND", null);
  }

  /**
   * All or none: the second debited wallet cannot pay, so the first one's reservation is released
   * and no posting moves anything; the reason names the wallet. A destination of another asset, or
   * one that does not exist, fails the whole transaction too.
   */
  @Test
  void aPostingThatCannotApplyMovesNothingAtAll() {
    UUID rich = createWallet(alice, "{\"initialBalance\": 50}");
    UUID poor = createWallet(alice, "{\"initialBalance\": 1}");
    UUID payee = createWallet(bob, "{}");
    UUID euros = createWallet(bob, "{\"asset\": \"EUR\"}");
    JsonObject shortOfFunds = new JsonObject().put("postings", new JsonArray()
        .add(posting(rich, payee, "40")).add(posting(poor, payee, "1.01")));
    JsonObject failed = awaitFinal(alice, submit(alice, shortOfFunds).bodyAsJsonObject().getString("transactionId"));
    assertEquals("FAILED", failed.getString("status"));
    assertEquals("INSUFFICIENT_FUNDS", failed.getString("failureReason"));
    assertEquals(poor.toString(), failed.getString("failedWalletId"));
    JsonObject acrossAssets = new JsonObject().put("postings", new JsonArray()
        .add(posting(rich, payee, "10")).add(posting(rich, euros, "10")));
    JsonObject mismatch = awaitFinal(alice, submit(alice, acrossAssets).bodyAsJsonObject().getString("transactionId"));
    assertEquals("ASSET_MISMATCH", mismatch.getString("failureReason"), mismatch.encode());
    assertEquals(euros.toString(), mismatch.getString("failedWalletId"));
    UUID nowhere = UUID.randomUUID();
    JsonObject missing = awaitFinal(alice, submit(alice, new JsonObject().put("postings", new JsonArray()
        .add(posting(rich, nowhere, "1")))).bodyAsJsonObject().getString("transactionId"));
    assertEquals("WALLET_NOT_FOUND", missing.getString("failureReason"));

    assertEquals(0, new BigDecimal("50").compareTo(balance(alice, rich)), "nothing moved");
    assertEquals(0, BigDecimal.ZERO.compareTo(held(alice, rich)), "every reservation was released");
    assertEquals(0, BigDecimal.ONE.compareTo(balance(alice, poor)));
    assertEquals(0, BigDecimal.ZERO.compareTo(balance(bob, payee)));
  }

  /** A principal debits only its own wallets; amounts follow the debited wallet's asset; the shape is checked. */
  @Test
  void aTransactionDebitsOnlyThePrincipalsWalletsAndIsValidated() {
    UUID mine = createWallet(alice, "{\"initialBalance\": 5}");
    UUID theirs = createWallet(bob, "{\"initialBalance\": 5}");
    assertProblem(submit(alice, new JsonObject().put("postings", new JsonArray().add(posting(theirs, mine, "5")))),
        404, "WALLET_NOT_FOUND", null);
    assertEquals(0, new BigDecimal("5").compareTo(balance(bob, theirs)));
    assertProblem(submit(alice, new JsonObject().put("postings", new JsonArray().add(posting(mine, theirs, "0.001")))),
        422, "AMOUNT_PRECISION", null);
    assertProblem(submit(alice, new JsonObject().put("postings", new JsonArray())), 400, "VALIDATION_FAILED", null);
    assertProblem(submit(alice, new JsonObject().put("postings", new JsonArray().add(posting(mine, mine, "1")))),
        400, "VALIDATION_FAILED", null);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 33; i++) {
      tooMany.add(posting(mine, theirs, "0.01"));
    }
    assertProblem(submit(alice, new JsonObject().put("postings", tooMany)), 400, "VALIDATION_FAILED", null);
  }

  /**
   * A reversal swaps every posting, links both ways, happens at most once (409 naming it), debits
   * only what the principal may debit, and can fail like any transaction.
   */
  @Test
  void aCompletedTransactionIsReversedOnceAndOnlyByWhoMayDebitItsDestinations() {
    UUID a = createWallet(alice, "{\"initialBalance\": 40}");
    UUID b = createWallet(alice, "{}");
    UUID c = createWallet(alice, "{}");
    String original = submit(alice, new JsonObject().put("postings", new JsonArray()
        .add(posting(a, b, "10")).add(posting(a, c, "5")))).bodyAsJsonObject().getString("transactionId");
    assertEquals("COMPLETED", awaitFinal(alice, original).getString("status"));
    assertProblem(Await.result(bob.post("/api/v1/transactions/" + original + "/reverse").send()), 404,
        "TRANSACTION_NOT_FOUND", null);
    HttpResponse<Buffer> reversal = Await.result(alice.post("/api/v1/transactions/" + original + "/reverse").send());
    assertEquals(202, reversal.statusCode(), reversal.bodyAsString());
    String reversalId = reversal.bodyAsJsonObject().getString("transactionId");
    assertEquals(original, reversal.bodyAsJsonObject().getString("reverses"));
    JsonObject reversed = awaitFinal(alice, reversalId);
    assertEquals("COMPLETED", reversed.getString("status"), reversed.encode());
    assertEquals(c.toString(), reversed.getJsonArray("postings").getJsonObject(0).getString("from"), "swapped, in reverse");
    assertEquals(0, new BigDecimal("40").compareTo(balance(alice, a)));
    assertEquals(0, BigDecimal.ZERO.compareTo(balance(alice, b)));
    assertEquals(reversalId, awaitFinal(alice, original).getString("reversedBy"));
    HttpResponse<Buffer> again = Await.result(alice.post("/api/v1/transactions/" + original + "/reverse").send());
    assertProblem(again, 409, "ALREADY_REVERSED", null);
    assertEquals(reversalId, again.bodyAsJsonObject().getString("reversalId"));

    // Someone else's wallet received it: only an admin (or its owner) may take it back.
    UUID theirs = createWallet(bob, "{}");
    String paid = submit(alice, new JsonObject().put("postings", new JsonArray().add(posting(a, theirs, "1"))))
        .bodyAsJsonObject().getString("transactionId");
    assertEquals("COMPLETED", awaitFinal(alice, paid).getString("status"));
    assertProblem(Await.result(alice.post("/api/v1/transactions/" + paid + "/reverse").send()), 404,
        "WALLET_NOT_FOUND", null);
    // Spent already: the reversal fails like any transaction, and nothing moves.
    String spent = submit(alice, new JsonObject().put("postings", new JsonArray().add(posting(a, b, "3"))))
        .bodyAsJsonObject().getString("transactionId");
    assertEquals("COMPLETED", awaitFinal(alice, spent).getString("status"));
    awaitFinal(alice, submit(alice, new JsonObject().put("postings", new JsonArray().add(posting(b, c, "3"))))
        .bodyAsJsonObject().getString("transactionId"));
    HttpResponse<Buffer> late = Await.result(alice.post("/api/v1/transactions/" + spent + "/reverse").send());
    assertEquals(202, late.statusCode(), late.bodyAsString());
    JsonObject failed = awaitFinal(alice, late.bodyAsJsonObject().getString("transactionId"));
    assertEquals("INSUFFICIENT_FUNDS", failed.getString("failureReason"));
    assertEquals(b.toString(), failed.getString("failedWalletId"));
    HttpResponse<Buffer> notCompleted = Await.result(alice.post("/api/v1/transactions/"
        + late.bodyAsJsonObject().getString("transactionId") + "/reverse").send());
    assertProblem(notCompleted, 409, "TRANSACTION_NOT_REVERSIBLE", null);
  }

  /**
   * Exchange (docs/transactions.md): the customer's EUR to the platform's EUR liquidity, the
   * platform's USD liquidity to the customer's USD wallet, and the fee as its own posting, in one
   * transaction submitted by the platform's treasury (admin: it debits the customer's wallet on the
   * customer's accepted quote). Each posting stays within one asset; each asset is conserved; when the
   * USD liquidity runs short, the customer's EUR does not move either.
   */
  @Test
  void anExchangeMovesTwoAssetsAndItsFeeTogetherOrNotAtAll() {
    UUID customerEur = createWallet(alice, "{\"asset\": \"EUR\", \"initialBalance\": 200}");
    UUID customerUsd = createWallet(alice, "{\"asset\": \"USD\"}");
    UUID liquidityEur = createWallet(treasury, "{\"asset\": \"EUR\"}");
    UUID liquidityUsd = createWallet(treasury, "{\"asset\": \"USD\", \"initialBalance\": 150}");
    UUID feesEur = createWallet(treasury, "{\"asset\": \"EUR\"}");
    // 100.00 EUR at 1.0850 USD/EUR = 108.50 USD, and a 0.50 EUR fee.
    JsonObject exchange = new JsonObject().put("postings", new JsonArray()
            .add(posting(customerEur, liquidityEur, "100.00"))
            .add(posting(liquidityUsd, customerUsd, "108.50"))
            .add(posting(customerEur, feesEur, "0.50")))
        .put("metadata", new JsonObject().put("kind", "exchange").put("rate", "1.0850").put("pair", "EUR/USD"));
    JsonObject done = awaitFinal(treasury, submit(treasury, exchange).bodyAsJsonObject().getString("transactionId"));
    assertEquals("COMPLETED", done.getString("status"), done.encode());
    assertEquals(0, new BigDecimal("99.50").compareTo(balance(alice, customerEur)));
    assertEquals(0, new BigDecimal("108.50").compareTo(balance(alice, customerUsd)));
    assertEquals(0, new BigDecimal("100.00").compareTo(balance(treasury, liquidityEur)));
    assertEquals(0, new BigDecimal("41.50").compareTo(balance(treasury, liquidityUsd)));
    assertEquals(0, new BigDecimal("0.50").compareTo(balance(treasury, feesEur)));

    JsonObject tooMuch = new JsonObject().put("postings", new JsonArray()
        .add(posting(customerEur, liquidityEur, "50.00"))
        .add(posting(liquidityUsd, customerUsd, "54.25")));
    JsonObject failed = awaitFinal(treasury, submit(treasury, tooMuch).bodyAsJsonObject().getString("transactionId"));
    assertEquals("INSUFFICIENT_FUNDS", failed.getString("failureReason"));
    assertEquals(liquidityUsd.toString(), failed.getString("failedWalletId"));
    assertEquals(0, new BigDecimal("99.50").compareTo(balance(alice, customerEur)), "the EUR leg did not move");
    assertEquals(0, BigDecimal.ZERO.compareTo(held(alice, customerEur)));
    // The customer alone cannot take the platform's USD.
    assertProblem(submit(alice, tooMuch), 404, "WALLET_NOT_FOUND", null);
  }

  /**
   * wallet-api recorded the transaction and died before any reservation reached Kafka: the
   * coordinator finds it PENDING with no reservation applied, produces them again, and settles it once.
   */
  @Test
  void aTransactionRecordedWithoutItsReservationsIsReservedAgainAndSettled() {
    UUID from = createWallet(alice, "{\"initialBalance\": 30}");
    UUID to = createWallet(bob, "{}");
    UUID transactionId = UUID.randomUUID();
    JsonArray stored = new JsonArray().add(new JsonObject().put("from", from.toString()).put("to", to.toString())
        .put("amountMinor", 12_34).put("asset", "USD").put("precision", 2));
    Await.result(pool.preparedQuery("INSERT INTO wallet_transactions (transaction_id, status, postings, requested_by, "
        + "accepted_at) VALUES ($1, 'PENDING', $2, 'crashed-api', now())").execute(io.vertx.sqlclient.Tuple.of(
            transactionId, stored)));
    Await.until("the orphaned transaction settled", SETTLE, () -> "COMPLETED".equals(Await.result(pool
        .preparedQuery("SELECT status FROM wallet_transactions WHERE transaction_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(transactionId))).iterator().next().getString("status")));
    assertEquals(0, new BigDecimal("17.66").compareTo(balance(alice, from)));
    assertEquals(0, new BigDecimal("12.34").compareTo(balance(bob, to)));
    assertEquals(0, BigDecimal.ZERO.compareTo(held(alice, from)));
  }

  /**
   * Conservation under concurrency: rounds of transactions moving money around a ring of wallets,
   * some of them failing for want of funds, leave the total where it was and nothing held.
   */
  @Test
  void concurrentTransactionsAroundARingKeepEveryCent() {
    List<UUID> ring = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ring.add(createWallet(alice, "{\"initialBalance\": 20}"));
    }
    Set<String> ids = new HashSet<>();
    List<io.vertx.core.Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int round = 0; round < 30; round++) {
      JsonArray postings = new JsonArray();
      for (int i = 0; i < 3; i++) {
        int from = (round + i * 2) % ring.size();
        postings.add(posting(ring.get(from), ring.get((from + 1) % ring.size()), Integer.toString(3 + (round % 7))));
      }
      sent.add(alice.post("/api/v1/transactions").putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("postings", postings).encode())));
    }
    for (io.vertx.core.Future<HttpResponse<Buffer>> answer : sent) {
      HttpResponse<Buffer> response = Await.result(answer);
      assertEquals(202, response.statusCode(), response.bodyAsString());
      ids.add(response.bodyAsJsonObject().getString("transactionId"));
    }
    int completed = 0;
    for (String id : ids) {
      if ("COMPLETED".equals(awaitFinal(alice, id).getString("status"))) {
        completed++;
      }
    }
    BigDecimal total = BigDecimal.ZERO;
    for (UUID wallet : ring) {
      total = total.add(balance(alice, wallet));
      assertEquals(0, BigDecimal.ZERO.compareTo(held(alice, wallet)), "no reservation left behind");
    }
    assertEquals(0, new BigDecimal("120").compareTo(total), "every cent is still in the ring");
    assertTrue(completed > 0, "some transactions completed");
  }
}
