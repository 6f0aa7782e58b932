package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
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
import io.walletplatform.wallet.WarmUp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ready means warm: the single entry point reports {@code /health/ready} 503 ({@code readiness}
 * DOWN) while it runs its own operations through the wallet hot path, 200 after; {@code /health/live}
 * answers 200 throughout. The warm-up's wallets belong to principals no client can become, so no
 * user sees them, and a second warm-up (a restart) reuses them.
 */
class WarmUpTest {

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static PlatformSettings settings;
  private static WebClient http;
  private static Pool pool;
  private static Authentication authentication;
  private static long acceptedByWarmUp;
  private static final List<String> readyWhileWarming = new CopyOnWriteArrayList<>();
  private static final List<Integer> liveWhileWarming = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    // Short: the JIT does not settle in 4 s, so the time bound ends the load, then the worker's outcomes are awaited.
    Config config = IsolatedConfig.create("platform").with("PLATFORM_PORT", Integer.toString(FreePorts.pick()))
        .with("HTTP_HOST", "127.0.0.1").with("WARMUP_MAX_MS", "4000").with("WARMUP_OPERATIONS", "1000")
        // This JVM has run other tests for a while: measured from its start, no time would be left.
        .with("WARMUP_READY_BY_MS", "0")
        .with("WARMUP_CONNECTIONS", "8");
    settings = PlatformSettings.from(config);
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(settings.http().port()));
    Future<Authentication> deployed = Platform.deployWarm(runtime, settings);
    long poller = vertx.setPeriodic(100, timer -> {
      if (deployed.isComplete()) {
        return;
      }
      http.get("/health/ready").send().onSuccess(response -> {
        if (!deployed.isComplete()) {
          readyWhileWarming.add(response.statusCode() + " " + response.bodyAsString());
        }
      });
      http.get("/health/live").send().onSuccess(response -> {
        if (!deployed.isComplete()) {
          liveWhileWarming.add(response.statusCode());
        }
      });
    });
    authentication = Await.result(deployed, Duration.ofSeconds(90));
    vertx.cancelTimer(poller);
    acceptedByWarmUp = (long) runtime.registry().get("wallet_operations_accepted").counter().count();
    pool = PgPools.create(vertx, settings.wallet().pg(), "warm-up-test");
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @Test
  void notReadyWhileWarmingUpThenReady() {
    assertTrue(readyWhileWarming.size() >= 5, "the probe was polled during the warm-up: " + readyWhileWarming);
    for (String answer : readyWhileWarming) {
      assertTrue(answer.startsWith("503 "), answer);
      assertTrue(answer.contains("{\"id\":\"readiness\",\"status\":\"DOWN\"}"), answer);
    }
    assertTrue(!liveWhileWarming.isEmpty() && liveWhileWarming.stream().allMatch(status -> status == 200),
        "live while warming: " + liveWhileWarming);
    HttpResponse<Buffer> ready = Await.result(http.get("/health/ready").send());
    assertEquals(200, ready.statusCode(), ready.bodyAsString());
    assertEquals(ready.bodyAsString(), Await.result(http.get("/health").send()).bodyAsString(), "/health is /health/ready");
  }

  @Test
  void theWarmUpRanTheHotPathAndEveryOperationHasAnOutcome() {
    List<Row> wallets = warmUpWallets();
    assertEquals(8, wallets.size(), "one wallet per warm-up principal");
    assertTrue(acceptedByWarmUp >= 8, "operations accepted during the warm-up: " + acceptedByWarmUp);
    // The warm-up waits for each wallet's last operation within its bound only; Kafka order puts every
    // earlier one before it, and the worker applies whatever the bound cut off a moment later.
    Await.until("every operation the warm-up got accepted has an outcome", Duration.ofSeconds(20),
        () -> recordedByWarmUp(wallets) >= acceptedByWarmUp);
  }

  private static long recordedByWarmUp(List<Row> wallets) {
    long recorded = 0;
    for (Row wallet : wallets) {
      recorded += Await.result(pool.preparedQuery("SELECT count(*) FROM wallet_operations WHERE wallet_id = $1")
          .execute(Tuple.of(wallet.getUUID("wallet_id")))).iterator().next().getLong(0);
    }
    return recorded;
  }

  @Test
  void theBoundHoldsWhateverTheJitDoes() {
    long began = System.nanoTime();
    // Far more operations than 2 s can submit: only the bound can end it, with requests still in flight.
    WarmUp.Result bounded = Await.result(WarmUp.run(vertx, "127.0.0.1", settings.http().port(), authentication.issuer(),
        new WarmUp.Settings(Duration.ofSeconds(2), Duration.ZERO, 10_000_000, 16), true), Duration.ofSeconds(30));
    long tookMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
    assertTrue(bounded.submitted() > 0, "submitted: " + bounded);
    // Without the bound it would run for minutes; 2 s more leaves room for the requests in flight at the bound
    // to be answered on a test JVM starved of CPU, not for another warm-up.
    assertTrue(tookMs <= 4_000, "a 2 s warm-up took " + tookMs + " ms: " + bounded);
  }

  @Test
  void aStartThatReachedTheWarmUpPastItsReadyByMomentSkipsIt() {
    // This JVM has been up far longer than 1 s: a process that took that long to deploy is ready at once.
    WarmUp.Result skipped = Await.result(WarmUp.run(vertx, "127.0.0.1", settings.http().port(), authentication.issuer(),
        new WarmUp.Settings(Duration.ofSeconds(20), Duration.ofSeconds(1), 1000, 4), true));
    assertEquals(0, skipped.submitted(), skipped.toString());
    assertTrue(skipped.stoppedBecause().contains("WARMUP_READY_BY_MS"), skipped.toString());
  }

  @Test
  void theBoundIsCutSoThatTheWarmUpEndsByItsReadyByMoment() {
    WarmUp.Settings settings = new WarmUp.Settings(Duration.ofSeconds(20), Duration.ofSeconds(25), 1000, 4);
    assertEquals(Duration.ofSeconds(20), settings.boundAfter(Duration.ofSeconds(3)));
    assertEquals(Duration.ofSeconds(9), settings.boundAfter(Duration.ofSeconds(16)));
    assertTrue(settings.boundAfter(Duration.ofSeconds(26)).isNegative());
    assertEquals(Duration.ofSeconds(20), new WarmUp.Settings(Duration.ofSeconds(20), 1000, 4)
        .boundAfter(Duration.ofHours(1)), "no ready-by moment: the maximum alone");
  }

  @Test
  void noClientCanBecomeAWarmUpPrincipalAndNoUserSeesItsWallets() {
    UUID walletId = warmUpWallets().get(0).getUUID("wallet_id");
    HttpResponse<Buffer> token = Await.result(http.post("/oauth/token").sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials").add("client_id", WarmUp.PRINCIPAL_PREFIX + "0")
        .add("client_secret", Tokens.DEV_SECRET)));
    assertTrue(token.statusCode() == 400 || token.statusCode() == 401, token.statusCode() + " " + token.bodyAsString());
    HttpResponse<Buffer> asUser = Await.result(http.get("/api/v1/wallets/" + walletId)
        .putHeader("Authorization", "Bearer " + Tokens.user(authentication)).send());
    assertEquals(404, asUser.statusCode(), asUser.bodyAsString());
    HttpResponse<Buffer> asAdmin = Await.result(http.get("/api/v1/wallets/" + walletId)
        .putHeader("Authorization", "Bearer " + Tokens.admin(authentication)).send());
    assertEquals(200, asAdmin.statusCode(), asAdmin.bodyAsString());
    assertTrue(asAdmin.bodyAsJsonObject().getString("ownerId").startsWith(WarmUp.PRINCIPAL_PREFIX));
  }

  @Test
  void aSecondWarmUpReusesTheWallets() {
    List<UUID> before = new ArrayList<>();
    warmUpWallets().forEach(row -> before.add(row.getUUID("wallet_id")));
    WarmUp.Result again = Await.result(WarmUp.run(vertx, "127.0.0.1", settings.http().port(), authentication.issuer(),
        new WarmUp.Settings(Duration.ofSeconds(1), 50, 4), true), Duration.ofSeconds(30));
    assertTrue(again.submitted() > 0, "submitted: " + again);
    List<UUID> after = new ArrayList<>();
    warmUpWallets().forEach(row -> after.add(row.getUUID("wallet_id")));
    assertEquals(Set.copyOf(before), Set.copyOf(after));
  }

  @Test
  void offWhenTheBoundIsZero() {
    WarmUp.Result off = Await.result(WarmUp.run(vertx, "127.0.0.1", settings.http().port(), authentication.issuer(),
        new WarmUp.Settings(Duration.ZERO, 1000, 4), true));
    assertEquals(0, off.submitted());
  }

  private static List<Row> warmUpWallets() {
    List<Row> rows = new ArrayList<>();
    Await.result(pool.preparedQuery("SELECT wallet_id, owner_id, version FROM wallets WHERE owner_id LIKE $1 ORDER BY owner_id")
        .execute(Tuple.of(WarmUp.PRINCIPAL_PREFIX + "%"))).forEach(rows::add);
    return rows;
  }
}
