package io.walletplatform.common.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.walletplatform.common.http.ApiContract;
import io.walletplatform.common.http.ProblemException;
import io.walletplatform.common.http.ProblemHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The router a process serves: its API contracts, {@code /health}, {@code /metrics},
 * {@code /openapi/<name>.yaml}, and problem+json for unknown routes and wrong methods.
 * The standalone services and the single entry point build theirs the same way.
 */
public final class HttpFront {

  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  private HttpFront() {
  }

  public static Router router(Vertx vertx, List<ApiContract> apis, List<HealthCheck> checks,
                              PrometheusMeterRegistry registry) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> health(vertx, ctx, checks));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    for (ApiContract api : apis) {
      router.get("/openapi/" + api.name() + ".yaml").handler(ctx -> ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
          .end(api.document()));
      router.route("/*").subRouter(api.router());
    }
    router.route().last().handler(ctx -> unmatched(ctx, apis));
    router.route().failureHandler(new ProblemHandler());
    return router;
  }

  private static void unmatched(RoutingContext ctx, List<ApiContract> apis) {
    Set<String> allowed = new TreeSet<>();
    for (ApiContract api : apis) {
      allowed.addAll(api.methodsFor(ctx.request().path()));
    }
    if (allowed.isEmpty()) {
      ctx.fail(404);
      return;
    }
    ctx.fail(new ProblemException(405, "METHOD_NOT_ALLOWED", "Method not allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path() + "; allowed: " + allowed,
        List.of(), Map.of("Allow", String.join(", ", allowed))));
  }

  /** Checks with the same id (one per database, say) are reported as one: UP only if all are. */
  private static void health(Vertx vertx, RoutingContext ctx, List<HealthCheck> checks) {
    List<Future<JsonObject>> results = new ArrayList<>();
    for (HealthCheck check : checks) {
      results.add(probe(vertx, check));
    }
    Future.join(results).onComplete(ignored -> {
      Map<String, JsonObject> byId = new LinkedHashMap<>();
      for (Future<JsonObject> result : results) {
        JsonObject entry = result.result();
        byId.merge(entry.getString("id"), entry, (first, second) -> "UP".equals(first.getString("status")) ? second : first);
      }
      JsonArray entries = new JsonArray();
      boolean up = true;
      for (JsonObject entry : byId.values()) {
        up &= "UP".equals(entry.getString("status"));
        entries.add(entry);
      }
      ctx.response()
          .setStatusCode(up ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", entries).encode());
    });
  }

  private static Future<JsonObject> probe(Vertx vertx, HealthCheck check) {
    Future<?> probe;
    try {
      probe = check.probe().get();
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    return probe.timeout(HEALTH_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .map(ok -> new JsonObject().put("id", check.id()).put("status", "UP"))
        .otherwise(error -> new JsonObject().put("id", check.id()).put("status", "DOWN")
            .put("error", String.valueOf(error.getMessage())));
  }
}
