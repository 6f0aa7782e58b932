package io.walletplatform.webhooks;

import io.vertx.core.Future;
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
import java.util.Set;
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
  /** A dispatcher with small limits: 4 per webhook, 6 per principal, 8 per address, disabled after 3 timeouts. */
  private static Pool limited;
  private static HttpServer otherAddress;
  private static final java.util.concurrent.atomic.AtomicLong trickleClosedAfterMs = new java.util.concurrent.atomic.AtomicLong(-1);
  private static Pool strict;
  private static WebClient strictApi;
  private static HttpServer receiver;
  private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  /** The distinct webhook-id (message) headers received by path: a retry of a slow answer is the same message. */
  private static final Map<String, Set<String>> messages = new ConcurrentHashMap<>();
  /** The open dispatcher's revocation list, as its process's token verifier keeps it. */
  private static final Revocations revocations = new Revocations();

  @BeforeAll
  static void start() {
    ServiceRuntime runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    receiver = Await.result(vertx.createHttpServer().requestHandler(request -> {
      hits.computeIfAbsent(request.path(), ignored -> new AtomicInteger()).incrementAndGet();
      messages.computeIfAbsent(request.path(), ignored -> ConcurrentHashMap.newKeySet())
          .add(String.valueOf(request.getHeader("webhook-id")));
      switch (request.path()) {
        case "/redirect" -> request.response().setStatusCode(302).putHeader("location", "/target").end();
        case "/big" -> request.response().setStatusCode(200).end(Buffer.buffer(new byte[1024 * 1024]));
        case "/trickle" -> {
          // Answers 200 at once, then sends its body a byte every 100 ms for ever.
          long started = System.nanoTime();
          request.response().setChunked(true).setStatusCode(200).write("{");
          long timer = vertx.setPeriodic(100, id -> request.response().write(" "));
          request.connection().closeHandler(closed -> {
            vertx.cancelTimer(timer);
            trickleClosedAfterMs.set((System.nanoTime() - started) / 1_000_000);
          });
        }
        default -> {
          if (request.path().startsWith("/hang")) {
            return; // never answers
          }
          request.response().setStatusCode(200).end();
        }
      }
    }).listen(0, "127.0.0.1"));
    // Another address of the loopback, for the per-address limit: every request there hangs.
    otherAddress = Await.result(vertx.createHttpServer().requestHandler(request ->
        hits.computeIfAbsent("127.0.0.2" + request.path(), ignored -> new AtomicInteger()).incrementAndGet())
        .listen(0, "127.0.0.2"));

    Config limitedConfig = IsolatedConfig.create("dispatcher-limits").with("WEBHOOKS_TIMEOUT_MS", "1500")
        .with("WEBHOOKS_RETRY_SCHEDULE", "100ms,100ms,100ms").with("WEBHOOKS_SCAN_MS", "100")
        .with("WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK", "4").with("WEBHOOKS_MAX_IN_FLIGHT_PER_PRINCIPAL", "6")
        .with("WEBHOOKS_MAX_IN_FLIGHT_PER_ADDRESS", "8").with("WEBHOOKS_DISABLE_AFTER_TIMEOUTS", "3")
        .with("WEBHOOKS_DISABLE_MIN_SPAN_MS", "0").with("WEBHOOKS_DELIVERY_RETENTION_DAYS", "1")
        .with("WEBHOOKS_PRUNE_INTERVAL_MS", "200");
    WebhooksSettings limitedSettings = WebhooksSettings.from(limitedConfig);
    Await.result(WebhooksProcessing.deploy(vertx, limitedSettings, runtime.registry(), new Revocations()), SETTLE);
    limited = PgPools.create(vertx, limitedSettings.pg(), "limited-test");

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
    return subscription(pool, url, principal, "order.finished");
  }

  private static UUID subscription(Pool pool, String url, String principal, String eventType) {
    UUID webhookId = UUID.randomUUID();
    Await.result(pool.preparedQuery("""
        INSERT INTO webhook_subscriptions (webhook_id, principal, url, event_types, secret)
        VALUES ($1, $4, $2, ARRAY[$5], $3)""")
        .execute(Tuple.of(webhookId, url, Signature.newSecret(), principal, eventType)));
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
    // Counted by message, not by request: under load the first delivery's answer can outlast the 500 ms
    // timeout and be sent again (at least once), which is not what this test is about.
    assertEquals(1, messages.get("/revoked").size(), "only the delivery made before the revocation reached the receiver");
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

  /** Holds while {@code condition} stays false for {@code millis}: what must not happen within a window. */
  private static void stillFalseAfter(long millis, java.util.function.BooleanSupplier condition, String what) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      assertTrue(!condition.getAsBoolean(), what);
      Await.result(Future.future(done -> vertx.setTimer(50, id -> done.complete())));
    }
  }

  @Test
  void onePrincipalsSlowReceiversHoldOnlyItsShareWhateverHowManyWebhooksItHas() {
    String principal = "many-hooks-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      deliveries(limited, subscription(limited, url("/hang-principal-" + i), principal), 4);
    }
    java.util.function.IntSupplier calls = () -> hitsOf("/hang-principal-0") + hitsOf("/hang-principal-1")
        + hitsOf("/hang-principal-2");
    Await.until("the principal's receivers are called", SETTLE, () -> calls.getAsInt() >= 6);
    stillFalseAfter(600, () -> calls.getAsInt() > 6, "three webhooks of 4 slots each, one principal: 6 at once");
    UUID other = subscription(limited, url("/other-principal"), "other-" + UUID.randomUUID());
    awaitStatus(limited, other, deliveries(limited, other, 1).get(0), "DELIVERED");
  }

  @Test
  void onePrincipalsOrManyPrincipalsWebhooksShareTheSlotsOfOneAddress() {
    String url = "http://127.0.0.2:" + otherAddress.actualPort() + "/hang-address";
    for (int i = 0; i < 4; i++) {
      deliveries(limited, subscription(limited, url, "address-" + UUID.randomUUID()), 3);
    }
    Await.until("the address is called", SETTLE, () -> hitsOf("127.0.0.2/hang-address") >= 8);
    stillFalseAfter(600, () -> hitsOf("127.0.0.2/hang-address") > 8, "twelve deliveries of four principals: 8 at the address");
    UUID elsewhere = subscription(limited, url("/other-address"), "elsewhere-" + UUID.randomUUID());
    awaitStatus(limited, elsewhere, deliveries(limited, elsewhere, 1).get(0), "DELIVERED");
  }

  @Test
  void anAttemptEndsAtItsDeadlineEvenWhileTheReceiverIsStillSendingItsBody() {
    UUID trickling = subscription(open, url("/trickle"));
    UUID eventId = deliveries(open, trickling, 1).get(0);
    Await.until("the trickling answer's connection is closed", SETTLE, () -> trickleClosedAfterMs.get() >= 0);
    assertTrue(trickleClosedAfterMs.get() < 2_000, "closed at the 500 ms deadline, not when the receiver stops: "
        + trickleClosedAfterMs.get() + " ms");
    assertEquals(200, awaitStatus(open, trickling, eventId, "DELIVERED").getInteger("last_status_code"),
        "the receiver did answer 200");
  }

  @Test
  void aReceiverThatKeepsTimingOutIsDisabledWithAnEventToTheOwnersOtherWebhooks() {
    String principal = "timing-out-" + UUID.randomUUID();
    UUID hanging = subscription(limited, url("/hang-disable"), principal);
    UUID notice = subscription(limited, url("/disabled-notice"), principal, "webhook.disabled");
    List<UUID> stuck = deliveries(limited, hanging, 3);
    Await.until("the webhook is disabled", SETTLE, () -> Await.result(limited.preparedQuery(
        "SELECT disabled_at IS NOT NULL AS disabled FROM webhook_subscriptions WHERE webhook_id = $1")
        .execute(Tuple.of(hanging))).iterator().next().getBoolean("disabled"));
    Row reason = Await.result(limited.preparedQuery("SELECT disabled_reason FROM webhook_subscriptions WHERE webhook_id = $1")
        .execute(Tuple.of(hanging))).iterator().next();
    assertTrue(reason.getString("disabled_reason").contains("timed out 3 attempts in a row"), reason.getString("disabled_reason"));
    Row event = null;
    for (int i = 0; i < 20 && event == null; i++) {
      var rows = Await.result(limited.preparedQuery(
          "SELECT body, status FROM webhook_deliveries WHERE webhook_id = $1 AND event_type = 'webhook.disabled'")
          .execute(Tuple.of(notice)));
      event = rows.size() == 0 ? null : rows.iterator().next();
      if (event == null) {
        Await.result(Future.future(done -> vertx.setTimer(100, id -> done.complete())));
      }
    }
    assertTrue(event != null, "a webhook.disabled delivery to the principal's other webhook");
    JsonObject body = new JsonObject(event.getString("body"));
    assertEquals("webhook.disabled", body.getString("type"));
    assertEquals(hanging.toString(), body.getJsonObject("data").getString("webhookId"));
    Await.until("the notice is delivered", SETTLE, () -> hitsOf("/disabled-notice") >= 1);
    List<UUID> later = deliveries(limited, hanging, 1);
    for (UUID eventId : later) {
      assertTrue(awaitStatus(limited, hanging, eventId, "FAILED").getString("last_error").contains("disabled"));
    }
    int callsWhenDisabled = hitsOf("/hang-disable");
    stillFalseAfter(500, () -> hitsOf("/hang-disable") > callsWhenDisabled, "nothing more is sent to a disabled webhook");
    for (UUID eventId : stuck) {
      awaitStatus(limited, hanging, eventId, "FAILED");
    }
  }

  @Test
  void finishedDeliveriesPastTheRetentionAreDeletedAndPendingOnesKept() {
    UUID webhookId = subscription(limited, url("/retention"), "retention-" + UUID.randomUUID());
    List<UUID> events = deliveries(limited, webhookId, 3);
    for (UUID eventId : events) {
      awaitStatus(limited, webhookId, eventId, "DELIVERED");
    }
    Await.result(limited.preparedQuery("UPDATE webhook_deliveries SET created_at = now() - interval '2 days' "
        + "WHERE webhook_id = $1 AND event_id = ANY ($2)")
        .execute(Tuple.of(webhookId, (Object) new UUID[] {events.get(0), events.get(1)})));
    UUID pendingOld = UUID.randomUUID();
    Await.result(limited.preparedQuery("""
        INSERT INTO webhook_deliveries (delivery_id, webhook_id, event_id, event_type, body, status, next_attempt_at,
                                        created_at)
        VALUES (gen_random_uuid(), $1, $2, 'order.finished', '{}', 'PENDING', now() + interval '1 day',
                now() - interval '2 days')""").execute(Tuple.of(webhookId, pendingOld)));
    Await.until("the two old finished deliveries are deleted", SETTLE, () -> Await.result(limited.preparedQuery(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = $1").execute(Tuple.of(webhookId)))
        .iterator().next().getLong("n") == 2);
    assertEquals("DELIVERED", delivery(limited, webhookId, events.get(2)).getString("status"), "the recent one is kept");
    assertEquals("PENDING", delivery(limited, webhookId, pendingOld).getString("status"), "a pending one is never deleted");
  }
}
