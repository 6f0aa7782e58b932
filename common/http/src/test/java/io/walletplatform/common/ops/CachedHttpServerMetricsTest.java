package io.walletplatform.common.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cached HTTP server meters publish what vertx-micrometer's own publish: the same traffic through a
 * server under each factory gives the same {@code vertx_http_server_*} series (names, help, tags, counts, byte
 * sums; only the measured times differ), a request in flight is an active request until it is answered, and a
 * connection dropped mid-request is counted as the stock metrics count it.
 */
class CachedHttpServerMetricsTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /**
   * A Vert.x under {@code factory} with a server: GET /ok 200, POST /echo 201 with the body, /wait held, else 404.
   * Each request's path goes to {@code begun} as it arrives; a held request's answer to {@code held}.
   */
  private record Served(Vertx vertx, PrometheusMeterRegistry registry, int port, BlockingQueue<String> begun,
                        BlockingQueue<Promise<Void>> held) {

    static Served start(Function<PrometheusMeterRegistry, VertxMetricsFactory> factory) throws Exception {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
          .setRegistryName("test-" + UUID.randomUUID())  // vertx-micrometer keeps registries by name, process-wide
          .setEnabled(true);
      Vertx vertx = Vertx.builder().withMetrics(factory.apply(registry))
          .with(new VertxOptions().setMetricsOptions(metrics)).build();
      BlockingQueue<String> begun = new LinkedBlockingQueue<>();
      BlockingQueue<Promise<Void>> held = new LinkedBlockingQueue<>();
      HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
        begun.add(request.path());
        switch (request.path()) {
          case "/ok" -> request.response().end("fine");
          case "/echo" -> request.body().onSuccess(body -> request.response().setStatusCode(201).end(body));
          case "/wait" -> {
            Promise<Void> answer = Promise.promise();
            held.add(answer);
            answer.future().onSuccess(v -> request.response().setStatusCode(202).end());
          }
          default -> request.response().setStatusCode(404).end("no such thing here");
        }
      }).listen(0, "127.0.0.1"));
      return new Served(vertx, registry, server.actualPort(), begun, held);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
      HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body);
      return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server series, sorted, without the measured times (response time's sum and max). */
    String series() {
      return registry.scrape().lines()
          .filter(line -> line.contains("vertx_http_server_"))
          .filter(line -> !line.startsWith("vertx_http_server_response_time_seconds_sum")
              && !line.startsWith("vertx_http_server_response_time_seconds_max"))
          .sorted().collect(Collectors.joining("\n"));
    }

    double active() {
      return registry.scrape().lines().filter(line -> line.startsWith("vertx_http_server_active_requests"))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    void close() throws Exception {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The same traffic, in the same order, against one server. */
  private static void traffic(Served served) throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(200, served.send("GET", "/ok", null).statusCode());
    }
    assertEquals(201, served.send("POST", "/echo", "{\"amountMinor\":5}").statusCode());
    assertEquals(201, served.send("POST", "/echo", "x".repeat(1000)).statusCode());
    assertEquals(404, served.send("PUT", "/nowhere", "y").statusCode());
    assertEquals(404, served.send("DELETE", "/nowhere", null).statusCode());

    CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return served.send("GET", "/wait", null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Promise<Void> answer = served.held().poll(10, TimeUnit.SECONDS);
    assertNotNull(answer, "the held request arrived");
    assertEquals(1.0, served.active(), "a request being answered is active");
    answer.complete();
    assertEquals(202, waiting.get(10, TimeUnit.SECONDS).statusCode());

    served.begun().clear();
    try (Socket socket = new Socket("127.0.0.1", served.port())) {  // a body promised and never sent, then gone
      OutputStream out = socket.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertEquals("/echo", served.begun().poll(10, TimeUnit.SECONDS), "the server has the request");
    }
    until(served.vertx(), () -> served.active() == 0.0);
    assertEquals(0.0, served.active(), "nothing is active once every request has been answered or dropped");
  }

  /** Waits, up to 10 s, until the condition holds, checking it on a timer of {@code vertx} (no thread sleeps). */
  private static void until(Vertx vertx, BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> holds = new CompletableFuture<>();
    long timer = vertx.setPeriodic(0, 10, id -> {
      if (condition.getAsBoolean()) {
        holds.complete(null);
      }
    });
    try {
      holds.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      // the assertion after the wait says what did not happen
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  @Test
  void theCachedMetersPublishWhatTheStockOnesPublish() throws Exception {
    Served stock = Served.start(MicrometerMetricsFactory::new);
    Served cached = Served.start(CachedHttpServerMetrics::new);
    try {
      traffic(stock);
      traffic(cached);  // each waited until its dropped connection had reached its metrics
      String expected = stock.series();
      assertTrue(expected.contains("vertx_http_server_requests_total{code=\"404\",method=\"PUT\"} 1.0"), expected);
      assertTrue(expected.contains("vertx_http_server_request_bytes_sum{method=\"POST\"}"), expected);
      assertEquals(expected, cached.series());
    } finally {
      stock.close();
      cached.close();
    }
  }

  /** A client picks the method's token: every token outside HTTP's own is one series, not one each. */
  @Test
  void methodsAClientMakesUpAreCountedTogether() throws Exception {
    Served cached = Served.start(CachedHttpServerMetrics::new);
    try {
      for (String method : new String[] {"BREW", "FOO", "X-1", "GET"}) {
        assertEquals(404, cached.send(method, "/nowhere", null).statusCode());
      }
      String series = cached.series();
      assertTrue(series.contains("vertx_http_server_requests_total{code=\"404\",method=\"_OTHER\"} 3.0"), series);
      assertTrue(series.contains("vertx_http_server_requests_total{code=\"404\",method=\"GET\"} 1.0"), series);
      for (String token : new String[] {"BREW", "FOO", "X-1"}) {
        assertFalse(series.contains(token), series);
      }
    } finally {
      cached.close();
    }
  }
}
