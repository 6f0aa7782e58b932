package io.walletplatform.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * A benchmark helper, not a test double: a webhook receiver that answers every delivery 204 at once
 * and measures it: distinct {@code webhook-id}s, repeats, the delay from the event's {@code timestamp}
 * (when its change was committed) to its arrival, and arrivals per second. {@code GET /stats} answers
 * them as JSON; {@code POST /reset} starts a new measurement. One event loop (the measurements need
 * no locks). {@code java -cp load-tester.jar io.walletplatform.load.WebhookReceiver [port]}
 */
public final class WebhookReceiver {

  private final Set<String> ids = new HashSet<>();
  private final TreeMap<Long, Integer> perSecond = new TreeMap<>();
  private Histogram delayMs = new Histogram(3_600_000L, 3);
  private long requests;
  private long unreadable;

  private WebhookReceiver() {
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18990;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    WebhookReceiver receiver = new WebhookReceiver();
    vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
        .requestHandler(request -> request.body().onSuccess(body -> {
          switch (request.path()) {
            case "/stats" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(receiver.stats().encodePrettily());
            case "/reset" -> {
              receiver.reset();
              request.response().setStatusCode(204).end();
            }
            default -> {
              receiver.received(request.getHeader("webhook-id"), body.toString());
              request.response().setStatusCode(204).end();
            }
          }
        }))
        .listen()
        .onSuccess(server -> System.out.println("webhook receiver on port " + server.actualPort()))
        .onFailure(error -> {
          error.printStackTrace();
          System.exit(1);
        });
  }

  private void received(String id, String body) {
    long now = System.currentTimeMillis();
    requests++;
    perSecond.merge(now / 1000, 1, Integer::sum);
    if (id == null || !ids.add(id)) {
      return;
    }
    try {
      long committed = Instant.parse(new JsonObject(body).getString("timestamp")).toEpochMilli();
      delayMs.recordValue(Math.max(0, Math.min(now - committed, delayMs.getHighestTrackableValue())));
    } catch (RuntimeException e) {
      unreadable++;
    }
  }

  private void reset() {
    ids.clear();
    perSecond.clear();
    delayMs = new Histogram(3_600_000L, 3);
    requests = 0;
    unreadable = 0;
  }

  private JsonObject stats() {
    JsonArray seconds = new JsonArray();
    perSecond.forEach((second, count) -> seconds.add(new JsonArray().add(second).add(count)));
    return new JsonObject()
        .put("requests", requests)
        .put("distinct", ids.size())
        .put("repeats", requests - ids.size())
        .put("unreadable", unreadable)
        .put("delayMs", new JsonObject()
            .put("p50", delayMs.getValueAtPercentile(50)).put("p90", delayMs.getValueAtPercentile(90))
            .put("p99", delayMs.getValueAtPercentile(99)).put("p999", delayMs.getValueAtPercentile(99.9))
            .put("max", delayMs.getMaxValue()).put("count", delayMs.getTotalCount()))
        .put("perSecond", seconds);
  }
}
