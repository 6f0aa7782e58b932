package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.infra.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's run command ({@code java -jar platform/target/platform.jar}) against one data
 * directory, SIGKILLed twice under writes: first the JVM alone (its PostgreSQL and Redis children
 * keep running), then every process of the platform at once. Each time the same command must come
 * back healthy within 30 s with no manual step and with every accepted operation and order intact.
 * Part of the long suite (about 75 s here), not of {@code ./mvnw -B verify}: run it with
 * {@code -Drestarts=true} (README, "Test it").
 */
@EnabledIfSystemProperty(named = "restarts", matches = "true")
class PlatformRestartIT {

  private static final Path JAR = Path.of("target", "platform.jar");
  private static final Duration RESTART_BOUND = Duration.ofSeconds(30);
  /** The warm-up of these starts: its 5 s bound, the compile drain (half of it) and the wait for its outcomes (10 s). */
  private static final Duration WARM_UP_ALLOWANCE = Duration.ofSeconds(20);

  private static Vertx vertx;
  private static Path dataDir;
  private static int port;
  private static ApiClient anonymous;
  /** Carries a token from the platform's development issuer once it first answered; its key survives restarts. */
  private static ApiClient api;
  private static final List<ServiceProcess> started = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    assertTrue(Files.isRegularFile(JAR), JAR + " was built");
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("platform-restart-");
    port = FreePorts.pick();
    anonymous = new ApiClient(vertx, port);
  }

  @AfterAll
  static void stop() {
    started.forEach(ServiceProcess::close);
    ServiceProcess.killServersOf(dataDir);
    Await.result(vertx.close());
  }

  private static ServiceProcess platform(String name) {
    ServiceProcess process = ServiceProcess.startJar(name, JAR, Map.of(
        "EMBEDDED_DATA_DIR", dataDir.toString(),
        "PLATFORM_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1",
        "AUTH_DEV_SHARED_SECRET", Tokens.DEV_SECRET,
        "WARMUP_MAX_MS", "5000")); // a short warm-up: its path runs, without a minute and a half per start
    started.add(process);
    return process;
  }

  /**
   * Waits for {@code /health/ready}; returns how long the process took to serve at all
   * ({@code /health/live}: the restart itself, which {@link #RESTART_BOUND} bounds) and to be ready
   * (after the warm-up, whose own bounds, {@link #WARM_UP_ALLOWANCE}, it may add).
   */
  private static Duration[] awaitHealthy(ServiceProcess process, long startedNanos, Duration timeout) {
    long[] liveAt = {0};
    Await.until(process + " healthy", timeout, () -> {
      assertTrue(process.isAlive(), "the platform exited:\n" + tail(process.output()));
      try {
        if (liveAt[0] == 0 && anonymous.get("/health/live").statusCode() == 200) {
          liveAt[0] = System.nanoTime();
        }
        return anonymous.get("/health/ready").statusCode() == 200;
      } catch (AssertionError notYet) {
        return false;
      }
    });
    Duration ready = Duration.ofNanos(System.nanoTime() - startedNanos);
    Duration live = Duration.ofNanos((liveAt[0] == 0 ? System.nanoTime() : liveAt[0]) - startedNanos);
    System.out.println(process + ": serving after " + live.toMillis() + " ms, ready (warm) after " + ready.toMillis() + " ms");
    if (api == null) {
      api = new ApiClient(vertx, port, Tokens.user(vertx, port));
    }
    return new Duration[] {live, ready};
  }

  private static String tail(String text) {
    return text.length() > 4_000 ? text.substring(text.length() - 4_000) : text;
  }

  private static long pidIn(Path file) throws IOException {
    return Long.parseLong(Files.readAllLines(file).get(0).trim());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }


  private static List<Future<HttpResponse<Buffer>>> deposits(String walletId, int count) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(api.web().post("/api/v1/wallet").putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer("{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1,"
              + "\"operationId\":\"" + UUID.randomUUID() + "\"}")));
    }
    return sent;
  }

  private static int accepted(List<Future<HttpResponse<Buffer>>> sent) {
    Await.result(Future.join(sent).otherwiseEmpty(), Duration.ofSeconds(30));
    return (int) sent.stream().filter(f -> f.succeeded() && f.result().statusCode() == 202).count();
  }

  private static long balanceMinor(String walletId) {
    JsonObject wallet = api.get("/api/v1/wallets/" + walletId).bodyAsJsonObject();
    return new BigDecimal(wallet.getValue("balance").toString()).movePointRight(2).longValueExact();
  }

  private static String orderStatus(String orderId) {
    return api.get("/api/v1/orders/" + orderId).bodyAsJsonObject().getString("status");
  }

  private static String placeOrder(UUID userId) {
    HttpResponse<Buffer> order = api.post("/api/v1/orders", "{\"amount\":1,\"description\":\"before the crash\"}");
    assertEquals(userId.toString(), order.bodyAsJsonObject().getString("userId"));
    assertEquals(201, order.statusCode(), order.bodyAsString());
    return order.bodyAsJsonObject().getString("orderId");
  }

  @Test
  void afterASigkillOfTheJvmAloneAndOfEverythingTheSameCommandComesBackWithEverythingIntact() throws Exception {
    ServiceProcess first = platform("platform-first");
    awaitHealthy(first, System.nanoTime(), Duration.ofSeconds(180));
    String walletId = api.post("/api/v1/wallets", "{\"initialBalance\": 0}").bodyAsJsonObject().getString("walletId");
    HttpResponse<Buffer> opened = api.post("/api/v1/accounts", "{\"initialBalance\":100}");
    assertEquals(201, opened.statusCode(), opened.bodyAsString());
    UUID userId = UUID.fromString(opened.bodyAsJsonObject().getString("userId"));
    int acceptedBefore = accepted(deposits(walletId, 200));
    String order = placeOrder(userId);

    // 1. The JVM alone: PostgreSQL and Redis are its children and outlive it.
    System.out.println("killing the first platform at " + java.time.Instant.now());
    first.kill();
    System.out.println("first platform gone at " + java.time.Instant.now());
    long postgresPid = pidIn(dataDir.resolve("postgres").resolve("postmaster.pid"));
    long redisPid = pidIn(dataDir.resolve("redis.pid"));
    assertTrue(alive(postgresPid) && alive(redisPid), "the embedded servers outlived their JVM");

    long restartNanos = System.nanoTime();
    ServiceProcess second = platform("platform-after-jvm-kill");
    Duration[] afterJvmKillTimes = awaitHealthy(second, restartNanos, Duration.ofSeconds(90));
    System.out.println("restart after SIGKILL of the JVM alone: serving after " + afterJvmKillTimes[0].toMillis() + " ms");
    assertTrue(afterJvmKillTimes[0].compareTo(RESTART_BOUND) <= 0, "serving after " + afterJvmKillTimes[0]);
    assertTrue(afterJvmKillTimes[1].compareTo(RESTART_BOUND.plus(WARM_UP_ALLOWANCE)) <= 0, "ready after " + afterJvmKillTimes[1]);
    assertFalse(alive(postgresPid) || alive(redisPid), "the orphans of the first run were stopped");
    Await.until("every operation accepted before the crash is applied", Duration.ofSeconds(60),
        () -> balanceMinor(walletId) == acceptedBefore * 100L);
    Await.until("the order placed before the crash is final", Duration.ofSeconds(60),
        () -> "FINISHED".equals(orderStatus(order)));

    // A second platform on the same data directory refuses to start and touches nothing.
    ServiceProcess intruder = ServiceProcess.startJar("platform-intruder", JAR, Map.of(
        "EMBEDDED_DATA_DIR", dataDir.toString(), "PLATFORM_PORT", Integer.toString(FreePorts.pick()),
        "HTTP_HOST", "127.0.0.1"));
    assertTrue(intruder.awaitExit(Duration.ofSeconds(60)) != 0, "a second platform on one data directory exits");
    assertTrue(intruder.output().contains("is in use by a running process"), tail(intruder.output()));
    assertEquals(200, api.get("/health").statusCode(), "the running platform is untouched");

    // 2. Everything at once, in the middle of a burst of writes.
    List<Future<HttpResponse<Buffer>>> inFlight = deposits(walletId, 200);
    String secondOrder = placeOrder(userId);
    second.kill();
    ServiceProcess.killServersOf(dataDir);
    int acceptedDuring = accepted(inFlight);

    restartNanos = System.nanoTime();
    ServiceProcess third = platform("platform-after-kill-all");
    Duration[] afterKillAllTimes = awaitHealthy(third, restartNanos, Duration.ofSeconds(90));
    System.out.println("restart after SIGKILL of every process: serving after " + afterKillAllTimes[0].toMillis() + " ms");
    assertTrue(afterKillAllTimes[0].compareTo(RESTART_BOUND) <= 0, "serving after " + afterKillAllTimes[0]);
    assertTrue(afterKillAllTimes[1].compareTo(RESTART_BOUND.plus(WARM_UP_ALLOWANCE)) <= 0, "ready after " + afterKillAllTimes[1]);
    long expectedAtLeast = (acceptedBefore + acceptedDuring) * 100L;
    Await.until("every accepted operation is applied once", Duration.ofSeconds(60),
        () -> balanceMinor(walletId) >= expectedAtLeast);
    long balance = balanceMinor(walletId);
    assertTrue(balance <= (acceptedBefore + 200) * 100L, "nothing applied twice: " + balance);
    Await.until("both orders are final", Duration.ofSeconds(60),
        () -> "FINISHED".equals(orderStatus(order)) && "FINISHED".equals(orderStatus(secondOrder)));
    JsonObject account = api.get("/api/v1/accounts/" + userId).bodyAsJsonObject();
    assertEquals(0, new BigDecimal("98").compareTo(new BigDecimal(account.getValue("balance").toString())),
        "debited once per order: " + account);

    long lastPostgres = pidIn(dataDir.resolve("postgres").resolve("postmaster.pid"));
    long lastRedis = pidIn(dataDir.resolve("redis.pid"));
    third.terminate();
    Await.until("SIGTERM stops the embedded servers too", Duration.ofSeconds(30),
        () -> !alive(lastPostgres) && !alive(lastRedis));
  }
}
