package io.walletplatform.common.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request timeout kept in one list and one timer per event loop: each request still gets its own deadline. */
class RequestDeadlinesTest {

  private static final long TIMEOUT_MS = 300;

  @Test
  void eachUnansweredRequestGets503AtItsOwnDeadlineAndAnsweredOnesLeaveTheList() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      Router router = Router.router(vertx);
      router.route().handler(new RequestDeadlines(vertx, Duration.ofMillis(TIMEOUT_MS))::handle);
      router.get("/fast").handler(ctx -> ctx.response().end("ok"));
      router.get("/slow").handler(ctx -> { });
      HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0));
      HttpClient client = vertx.createHttpClient();
      int port = server.actualPort();

      long start = System.nanoTime();
      Timed first = send(Future.succeededFuture(), client, port, "/slow", start);
      List<Future<HttpClientResponse>> fast = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        fast.add(client.request(HttpMethod.GET, port, "localhost", "/fast").compose(request -> request.send()));
      }
      for (Future<HttpClientResponse> answer : fast) {
        assertEquals(200, await(answer).statusCode(), "answered in time: never 503");
      }
      // The second half a timeout after the first (a timer, nothing blocks); the third once both were
      // answered, when the list is empty and the loop's timer is not armed.
      Timed second = send(vertx.timer(TIMEOUT_MS / 2), client, port, "/slow", start);
      Timed third = send(Future.all(first.answer, second.answer), client, port, "/slow", start);

      assertEquals(503, await(first.answer).statusCode());
      assertEquals(503, await(second.answer).statusCode());
      assertEquals(503, await(third.answer).statusCode());
      assertTrue(first.answeredMs() >= TIMEOUT_MS && first.answeredMs() < TIMEOUT_MS + 1_000,
          "the first at its timeout: " + first.answeredMs());
      assertTrue(second.answeredMs() - second.sentMs() >= TIMEOUT_MS && second.answeredMs() < first.answeredMs() + 1_000,
          "the second a timeout after it was sent, not with the first: sent " + second.sentMs() + ", answered "
              + second.answeredMs() + " (first " + first.answeredMs() + ")");
      assertTrue(third.answeredMs() - third.sentMs() >= TIMEOUT_MS,
          "a request arriving after the list emptied re-arms the timer: sent " + third.sentMs() + ", answered "
              + third.answeredMs());
    } finally {
      await(vertx.close());
    }
  }

  /** A request sent once {@code after} completes: when it was sent and answered, in ms since the test's start. */
  private record Timed(long[] sentAtMs, Future<HttpClientResponse> answer, long[] answeredAtMs) {
    long sentMs() {
      return sentAtMs[0];
    }

    long answeredMs() {
      return answeredAtMs[0];
    }
  }

  private static Timed send(Future<?> after, HttpClient client, int port, String path, long startNanos) {
    long[] sentAt = {-1};
    long[] answeredAt = {-1};
    Future<HttpClientResponse> answer = after
        .compose(ignored -> {
          sentAt[0] = (System.nanoTime() - startNanos) / 1_000_000;
          return client.request(HttpMethod.GET, port, "localhost", path);
        })
        .compose(request -> request.send())
        .onComplete(done -> answeredAt[0] = (System.nanoTime() - startNanos) / 1_000_000);
    return new Timed(sentAt, answer, answeredAt);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
