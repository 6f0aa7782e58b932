package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.health.ConsumerReadiness;
import io.walletplatform.common.health.HealthCheck;
import io.walletplatform.common.ops.HttpFront;
import io.walletplatform.common.ops.Readiness;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probes of API.md on a real HTTP server with a real PostgreSQL check beside checks this test
 * controls: {@code /health/live} never looks at a dependency; {@code /health/ready} (and
 * {@code /health}) is 503 naming the failing check, saying why only to an admin; a check that hangs
 * is DOWN after its bound instead of hanging the probe; the process's own readiness (warming up,
 * draining) and its consumers' (joined, moving) take it out of rotation.
 */
class HealthProbesTest {

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static Authentication authentication;
  private static Pool pool;

  private final AtomicBoolean dependencyDown = new AtomicBoolean();
  private final AtomicBoolean dependencyHangs = new AtomicBoolean();
  private final List<ConsumerReadiness.Member> members = new ArrayList<>();
  private HttpServer server;
  private WebClient anonymous;
  private WebClient admin;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    Config config = IsolatedConfig.create("probes");
    authentication = Tokens.authentication(vertx, config);
    pool = PgPools.create(vertx, PgSettings.from(config, "PROBES_DB_NAME", "postgres"), "probes");
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void serve() {
    List<HealthCheck> checks = List.of(
        new HealthCheck("postgres", () -> pool.query("SELECT 1").execute()),
        new HealthCheck("broker", () -> {
          if (dependencyHangs.get()) {
            return Promise.promise().future();
          }
          return dependencyDown.get() ? Future.failedFuture("connection refused: broker.internal:9092")
              : Future.succeededFuture();
        }));
    server = Await.result(vertx.createHttpServer()
        .requestHandler(HttpFront.builder(vertx, runtime.registry(), authentication, Duration.ofSeconds(10))
            .healthChecks(checks).build())
        .listen(0, "127.0.0.1"));
    WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort());
    anonymous = WebClient.create(vertx, options);
    admin = Tokens.client(vertx, server.actualPort(), Tokens.admin(authentication));
  }

  @AfterEach
  void close() {
    members.forEach(ConsumerReadiness.of(vertx)::remove);
    Readiness.of(vertx).ready();
    anonymous.close();
    admin.close();
    Await.result(server.close());
  }

  private static JsonObject check(JsonObject health, String id) {
    for (Object check : health.getJsonArray("checks")) {
      if (id.equals(((JsonObject) check).getString("id"))) {
        return (JsonObject) check;
      }
    }
    throw new AssertionError("no check " + id + " in " + health.encode());
  }

  private record Answer(int status, JsonObject body, String cacheControl) {
  }

  private static Answer get(WebClient client, String path) {
    var response = Await.result(client.get(path).send());
    return new Answer(response.statusCode(), response.bodyAsJsonObject(), response.getHeader("Cache-Control"));
  }

  @Test
  void readyWhenEveryCheckIsUpInTheOrderTheyWereRegistered() {
    Answer ready = get(anonymous, "/health/ready");
    assertEquals(200, ready.status(), ready.body().encode());
    assertEquals("UP", ready.body().getString("status"));
    List<String> ids = new ArrayList<>();
    ready.body().getJsonArray("checks").forEach(check -> ids.add(((JsonObject) check).getString("id")));
    assertEquals(List.of("postgres", "broker", "readiness", "consumers"), ids);
    assertEquals("no-store", ready.cacheControl(), "a probe's answer is never cached");
    assertEquals(ready.body(), get(anonymous, "/health").body(), "/health answers as /health/ready");
    Answer live = get(anonymous, "/health/live");
    assertEquals(200, live.status());
    assertEquals("UP", live.body().getString("status"));
  }

  @Test
  void aFailingDependencyMakesItUnreadyButStillLiveAndOnlyAnAdminSeesWhy() {
    dependencyDown.set(true);
    Answer ready = get(anonymous, "/health/ready");
    assertEquals(503, ready.status());
    assertEquals("DOWN", ready.body().getString("status"));
    assertEquals(new JsonObject().put("id", "broker").put("status", "DOWN"), check(ready.body(), "broker"));
    assertEquals("UP", check(ready.body(), "postgres").getString("status"), "the others are still named UP");
    assertFalse(ready.body().encode().contains("broker.internal"), "anonymous: no host, no reason");
    assertEquals(503, get(anonymous, "/health").status());

    Answer detailed = get(admin, "/health/ready");
    assertEquals(503, detailed.status());
    assertEquals("connection refused: broker.internal:9092", check(detailed.body(), "broker").getString("error"));

    assertEquals(200, get(anonymous, "/health/live").status(), "an outage of a dependency restarts nothing");
    dependencyDown.set(false);
    assertEquals(200, get(anonymous, "/health/ready").status(), "back in rotation when it answers again");
  }

  @Test
  void aCheckThatHangsIsDownAfterItsBoundInsteadOfHangingTheProbe() {
    dependencyHangs.set(true);
    long started = System.nanoTime();
    Answer ready = get(admin, "/health/ready");
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(503, ready.status());
    assertEquals("DOWN", check(ready.body(), "broker").getString("status"));
    assertTrue(check(ready.body(), "broker").getString("error").toLowerCase().contains("timeout"),
        ready.body().encode());
    assertTrue(tookMs >= 1_900 && tookMs < 8_000, "answered at the 2 s bound: " + tookMs + " ms");
    assertEquals(200, get(anonymous, "/health/live").status());
  }

  @Test
  void warmingUpAndDrainingTakeTheProcessOutOfRotation() {
    Readiness.of(vertx).warmingUp();
    Answer warming = get(admin, "/health/ready");
    assertEquals(503, warming.status());
    assertEquals("warming up", check(warming.body(), "readiness").getString("error"));
    Readiness.of(vertx).ready();
    assertEquals(200, get(anonymous, "/health/ready").status());
    Readiness.of(vertx).draining();
    Readiness.of(vertx).ready();
    Answer draining = get(admin, "/health/ready");
    assertEquals(503, draining.status(), "a warm-up ending during shutdown does not bring it back");
    assertEquals("shutting down", check(draining.body(), "readiness").getString("error"));
    assertEquals(200, get(anonymous, "/health/live").status(), "alive while it drains");
  }

  @Test
  void consumersMustHaveJoinedTheirGroupAndKeepApplying() {
    AtomicBoolean joined = new AtomicBoolean();
    AtomicLong oldestAgeMs = new AtomicLong();
    ConsumerReadiness.Member member = ConsumerReadiness.member("inbox-7", joined::get, oldestAgeMs::get);
    members.add(member);
    ConsumerReadiness.of(vertx).add(member);

    Answer unassigned = get(admin, "/health/ready");
    assertEquals(503, unassigned.status());
    assertTrue(check(unassigned.body(), "consumers").getString("error").contains("inbox-7 has no partition assignment"),
        unassigned.body().encode());
    joined.set(true);
    assertEquals(200, get(anonymous, "/health/ready").status(), "joined, nothing waiting");
    oldestAgeMs.set(ConsumerReadiness.STALL_BOUND.toMillis() - 1);
    assertEquals(200, get(anonymous, "/health/ready").status(), "behind, but within the bound");
    oldestAgeMs.set(ConsumerReadiness.STALL_BOUND.toMillis() + 1_000);
    Answer stalled = get(admin, "/health/ready");
    assertEquals(503, stalled.status());
    assertTrue(check(stalled.body(), "consumers").getString("error").contains("inbox-7 has held a record unapplied for 121 s"),
        stalled.body().encode());
    JsonArray anonymousChecks = get(anonymous, "/health/ready").body().getJsonArray("checks");
    assertTrue(anonymousChecks.contains(new JsonObject().put("id", "consumers").put("status", "DOWN")));
    assertEquals(200, get(anonymous, "/health/live").status());
  }
}
