package io.walletplatform.webhooks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.auth.Revocations;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.webhooks.domain.Signature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatcher on real PostgreSQL and real receivers: no redirect is followed, a large answer is
 * cut, a receiver that never answers holds only its own slots, and (with the SSRF protection on) an
 * address is checked at every attempt, not only when the webhook was created.
 */
class DispatcherTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static Vertx vertx;
  private static Pool open;
  private static Pool strict;
  private static WebClient strictApi;
  private static HttpServer receiver;
  private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  /** The open dispatcher's revocation list, as its process's token verifier keeps it. */
  private static final Revocations revocations = new Revocations();

  @BeforeAll
  static void start() {
    ServiceRuntime runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    receiver = Await.result(vertx.createHttpServer().requestHandler(request -> {
      hits.computeIfAbsent(request.path(), ignored -> new AtomicInteger()).incrementAndGet();
      switch (request.path()) {
        case "/redirect" -> request.response().setStatusCode(302).putHeader("location", "/target").end();
        case "/big" -> request.response().setStatusCode(200).end(Buffer.buffer(new byte[1024 * 1024]));
        case "/hang" -> {
          // never answers
        }
        default -> request.response().setStatusCode(200).end();
      }
    }).listen(0, "127.0.0.1"));

    Config openConfig = IsolatedConfig.create("dispatcher").with("WEBHOOKS_TIMEOUT_MS", "500")
        .with("WEBHOOKS_RETRY_SCHEDULE", "100ms,100ms").with("WEBHOOKS_SCAN_MS", "100")
        .with("WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK", "4");
    WebhooksSettings openSettings = WebhooksSettings.from(openConfig);
    Await.result(WebhooksProcessing.deploy(vertx, openSettings, runtime.registry(), revocations), SETTLE);
    open = PgPools.create(vertx, openSettings.pg(), "dispatcher-test");

    Config strictConfig = IsolatedConfig.create("strict").with(WebhooksSettings.ALLOW_PRIVATE_NETWORKS, "false")
        .with("WEBHOOKS_RETRY_SCHEDULE", "100ms").with("WEBHOOKS_SCAN_MS", "100");
    WebhooksSettings strictSettings = WebhooksSettings.from(strictConfig);
    Await.result(WebhooksProcessing.deploy(vertx, strictSettings, runtime.registry(), new Revocations()), SETTLE);
    strict = PgPools.create(vertx, strictSettings.pg(), "strict-test");
    Authentication authentication = Tokens.authentication(vertx, strictConfig);
    HttpFrontVerticle front = new HttpFrontVerticle(strictSettings.http(), runtime.registry(), authentication,
        List.of(WebhooksApi.factory(strictSettings)));
    Await.result(vertx.deployVerticle(front));
    strictApi = Tokens.client(vertx, front.actualPort(), Tokens.user(authentication));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  /** A subscription as if it had been created (its URL admitted then): what the dispatcher reads. */
  private static UUID subscription(Pool pool, String url) {
    return subscription(pool, url, "someone");
  }

  private static UUID subscription(Pool pool, String url, String principal) {
    UUID webhookId = UUID.randomUUID();
    Await.result(pool.preparedQuery("""
        INSERT INTO webhook_subscriptions (webhook_id, principal, url, event_types, secret)
        VALUES ($1, $4, $2, ARRAY['order.finished'], $3)""")
        .execute(Tuple.of(webhookId, url, Signature.newSecret(), principal)));
    return webhookId;
  }

  /** Issue #30: revoking a client used to leave its webhooks sending. */
  @Test
  void aRevokedPrincipalsWebhooksAreDeletedAndNothingMoreIsSentForIt() {
    String principal = "revoked-" + UUID.randomUUID();
    UUID webhookId = subscription(open, url("/revoked"), principal);
    UUID before = deliveries(open, webhookId, 1).get(0);
    awaitStatus(open, webhookId, before, "DELIVERED");

    revocations.add(principal);
    for (UUID eventId : deliveries(open, webhookId, 3)) {
      Row failed = awaitStatus(open, webhookId, eventId, "FAILED");
      assertTrue(failed.getString("last_error").matches("the (principal was revoked|webhook was deleted)"),
          failed.getString("last_error"));
    }
    Await.until("the revoked principal's webhook is deleted", SETTLE, () -> Await.result(open.preparedQuery(
        "SELECT deleted_at IS NOT NULL AS deleted FROM webhook_subscriptions WHERE webhook_id = $1")
        .execute(Tuple.of(webhookId))).iterator().next().getBoolean("deleted"));
    assertEquals(1, hitsOf("/revoked"), "only the delivery made before the revocation reached the receiver");
  }

  private static List<UUID> deliveries(Pool pool, UUID webhookId, int count) {
    List<UUID> eventIds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      UUID eventId = UUID.randomUUID();
      eventIds.add(eventId);
      String body = new JsonObject().put("type", "order.finished").put("id", eventId.toString())
          .put("timestamp", Instant.now().toString()).put("data", new JsonObject()).encode();
      Await.result(pool.preparedQuery("""
          INSERT INTO webhook_deliveries (delivery_id, webhook_id, event_id, event_type, body, status, next_attempt_at)
          VALUES (gen_random_uuid(), $1, $2, 'order.finished', $3, 'PENDING', now())""")
          .execute(Tuple.of(webhookId, eventId, body)));
    }
    return eventIds;
  }

  private static Row delivery(Pool pool, UUID webhookId, UUID eventId) {
    return Await.result(pool.preparedQuery("""
        SELECT status, attempts, last_status_code, last_error FROM webhook_deliveries
         WHERE webhook_id = $1 AND event_id = $2""").execute(Tuple.of(webhookId, eventId))).iterator().next();
  }

  private static Row awaitStatus(Pool pool, UUID webhookId, UUID eventId, String status) {
    Row[] row = new Row[1];
    Await.until("delivery " + eventId + " " + status, SETTLE, () -> {
      row[0] = delivery(pool, webhookId, eventId);
      return status.equals(row[0].getString("status"));
    });
    return row[0];
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  private static int hitsOf(String path) {
    return hits.getOrDefault(path, new AtomicInteger()).get();
  }

  @Test
  void redirectsAreNotFollowedAndALargeAnswerIsCut() {
    UUID redirecting = subscription(open, url("/redirect"));
    UUID eventId = deliveries(open, redirecting, 1).get(0);
    Row failed = awaitStatus(open, redirecting, eventId, "FAILED");
    assertEquals(3, failed.getInteger("attempts"));
    assertEquals(302, failed.getInteger("last_status_code"));
    assertEquals(0, hitsOf("/target"), "a redirect is never followed");

    UUID big = subscription(open, url("/big"));
    UUID bigEvent = deliveries(open, big, 1).get(0);
    assertEquals(200, awaitStatus(open, big, bigEvent, "DELIVERED").getInteger("last_status_code"));
    UUID after = subscription(open, url("/after-big"));
    awaitStatus(open, after, deliveries(open, after, 1).get(0), "DELIVERED");
  }

  @Test
  void aReceiverThatNeverAnswersHoldsOnlyItsOwnSlots() {
    UUID hanging = subscription(open, url("/hang"));
    List<UUID> stuck = deliveries(open, hanging, 8);
    Await.until("the hanging receiver is being called", SETTLE, () -> hitsOf("/hang") >= 4);
    UUID healthy = subscription(open, url("/healthy"));
    long started = System.nanoTime();
    deliveries(open, healthy, 50);
    Await.until("50 deliveries to the healthy receiver", SETTLE, () -> Await.result(open.preparedQuery(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'DELIVERED'")
        .execute(Tuple.of(healthy))).iterator().next().getLong("n") == 50);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMs < 5_000, "50 deliveries to a healthy receiver took " + tookMs + " ms beside a hanging one");
    Row timedOut = awaitStatus(open, hanging, stuck.get(0), "FAILED");
    assertTrue(timedOut.getString("last_error").contains("no answer within 500 ms"), timedOut.getString("last_error"));
  }

  @Test
  void theSsrfProtectionRefusesPrivateTargetsAtCreationAndAtEveryAttempt() {
    for (String url : List.of("https://localhost/hook", "https://127.0.0.1/hook", "https://[::ffff:127.0.0.1]/hook",
        "https://[::1]/hook", "https://169.254.169.254/latest/meta-data", "https://10.0.0.1/hook",
        "http://example.com/hook")) {
      HttpResponse<Buffer> refused = Await.result(strictApi.post("/api/v1/webhooks")
          .putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("url", url)
              .put("events", new JsonArray().add("order.finished")).encode())));
      assertProblem(refused, 400, "VALIDATION_FAILED", "url");
    }
    // Admitted once (or resolving elsewhere then): every attempt resolves and checks again.
    UUID webhookId = subscription(strict, "https://localhost:" + receiver.actualPort() + "/never");
    UUID eventId = deliveries(strict, webhookId, 1).get(0);
    Row failed = awaitStatus(strict, webhookId, eventId, "FAILED");
    assertEquals(2, failed.getInteger("attempts"));
    assertTrue(failed.getString("last_error").contains("loopback"), failed.getString("last_error"));
    assertEquals(0, hitsOf("/never"), "no request reaches a refused address");
  }
}
