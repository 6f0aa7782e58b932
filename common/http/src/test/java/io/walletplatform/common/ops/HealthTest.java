package io.walletplatform.common.ops;

import io.walletplatform.common.health.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.walletplatform.common.auth.AuthSettings;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dependency that answers after the check's bound: {@code /health} says DOWN at the bound, and the
 * late answer is dropped quietly. It used to complete a promise vertx-health-check had already failed
 * ("Promise already completed" thrown on the event loop during every slow start).
 */
class HealthTest {

  @TempDir
  Path keys;
  private Vertx vertx;
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.exceptionHandler(uncaught::add);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private Future<Void> lateBy(long millis, boolean succeed) {
    Promise<Void> answer = Promise.promise();
    vertx.setTimer(Health.TIMEOUT_MS + millis, timer -> {
      if (succeed) {
        answer.complete();
      } else {
        answer.fail("down, and late");
      }
    });
    return answer.future();
  }

  @Test
  void aCheckThatAnswersAfterItsBoundIsDownAndItsLateAnswerThrowsNothing() throws Exception {
    Authentication authentication = await(Authentication.start(vertx,
        AuthSettings.from(Config.of(Map.of("AUTH_DEV_KEY_DIR", keys.toString())))));
    Health health = new Health(vertx, authentication)
        .add(List.of(new HealthCheck("slow-up", () -> lateBy(300, true)),
            new HealthCheck("slow-down", () -> lateBy(300, false))))
        .register("own-procedure", promise -> lateBy(300, true).onComplete(done -> promise.tryComplete(Status.OK())));
    Router router = Router.router(vertx);
    router.get("/health").handler(health);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(vertx);

    HttpResponse<?> answer = await(client.get(server.actualPort(), "127.0.0.1", "/health").send());

    assertEquals(503, answer.statusCode(), answer.bodyAsString());
    // Past every late answer: none of them may reach the event loop as an exception.
    await(Future.future(done -> vertx.setTimer(800, timer -> done.complete())));
    assertTrue(uncaught.isEmpty(), "thrown on the event loop: " + uncaught);
  }

  @Test
  void aFloodOfProbesCostsADependencyOneQueryASecondWhileUpAndEveryProbeSeesItRecover() throws Exception {
    Authentication authentication = await(Authentication.start(vertx,
        AuthSettings.from(Config.of(Map.of("AUTH_DEV_KEY_DIR", keys.toString())))));
    java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<String> state = new java.util.concurrent.atomic.AtomicReference<>("up");
    java.util.concurrent.atomic.AtomicInteger ownReads = new java.util.concurrent.atomic.AtomicInteger();
    Health health = new Health(vertx, authentication)
        .add(List.of(new HealthCheck("postgres", () -> {
          queries.incrementAndGet();
          return switch (state.get()) {
            case "up" -> Future.future(done -> vertx.setTimer(50, timer -> done.complete()));
            case "hangs" -> Promise.promise().future();
            default -> Future.failedFuture("connection refused");
          };
        }), HealthCheck.inProcess("readiness", () -> {
          ownReads.incrementAndGet();
          return Future.succeededFuture();
        })));
    Router router = Router.router(vertx);
    router.get("/health").handler(health);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(vertx);
    java.util.function.Supplier<Integer> probe = () -> {
      try {
        return await(client.get(server.actualPort(), "127.0.0.1", "/health").send()).statusCode();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };

    List<Future<HttpResponse<io.vertx.core.buffer.Buffer>>> flood = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      flood.add(client.get(server.actualPort(), "127.0.0.1", "/health").send());
    }
    for (Future<HttpResponse<io.vertx.core.buffer.Buffer>> answer : flood) {
      assertEquals(200, await(answer).statusCode());
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(200, probe.get());
    }
    assertTrue(queries.get() <= 2, "70 probes within a second, one query in flight at a time: " + queries.get());
    assertEquals(70, ownReads.get(), "the process's own state is read by every probe");

    state.set("down");
    await(Future.future(done -> vertx.setTimer(Health.UP_REMEMBERED_MS + 100, timer -> done.complete())));
    assertEquals(503, probe.get(), "a dependency down is seen once its UP is a second old");
    state.set("up");
    assertEquals(200, probe.get(), "DOWN is not remembered: the next probe sees it back");

    state.set("hangs");
    await(Future.future(done -> vertx.setTimer(Health.UP_REMEMBERED_MS + 100, timer -> done.complete())));
    assertEquals(503, probe.get(), "a hung dependency is DOWN at the bound");
    state.set("up");
    assertEquals(200, probe.get(), "the hung query does not hold the next probes");
  }
}
