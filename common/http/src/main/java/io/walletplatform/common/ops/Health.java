package io.walletplatform.common.ops;

import io.walletplatform.common.health.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Authentication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code /health/ready} (and {@code /health}) on vertx-health-check: each check is a procedure
 * with a 2 s bound; the answer is {@code {"status", "checks": [{"id", "status", "error"?, "checks"?}]}},
 * the checks in the order they were registered, 200 when every check is UP and 503 naming the
 * failing ones otherwise. Only an admin token sees
 * why a check failed: error text names hosts and ports. A dependency's probe runs once at a time
 * for every request, and its UP is reused for {@value #UP_REMEMBERED_MS} ms: a flood of probes
 * costs the dependencies about one query a second (the process's own state is read every time).
 */
public final class Health implements Handler<RoutingContext> {

  static final long TIMEOUT_MS = 2_000;
  /** How long a dependency's UP answer is reused by the next probes. */
  public static final long UP_REMEMBERED_MS = 1_000;

  private final HealthChecks checks;
  private final Authentication authentication;
  private final List<String> order = new CopyOnWriteArrayList<>();
  private final Vertx vertx;

  public Health(Vertx vertx, Authentication authentication) {
    this.vertx = vertx;
    this.checks = HealthChecks.create(vertx);
    this.authentication = authentication;
  }

  /** Checks with the same id (one per database, say) are one procedure: UP only if all are. */
  public Health add(List<HealthCheck> list) {
    Map<String, List<HealthCheck>> byId = new LinkedHashMap<>();
    list.forEach(check -> byId.computeIfAbsent(check.id(), id -> new ArrayList<>()).add(check));
    // tryComplete/tryFail: a probe slower than TIMEOUT_MS answers after vertx-health-check failed
    // the promise for it, and complete() would throw "Promise already completed" on the event loop.
    byId.forEach((id, same) -> register(id, same.stream().noneMatch(HealthCheck::inProcess),
        promise -> Future.all(same.stream().map(Health::probe).toList())
            .onComplete(all -> {
              if (all.succeeded()) {
                promise.tryComplete(Status.OK());
              } else {
                promise.tryFail(all.cause());
              }
            })));
    return this;
  }

  /**
   * A procedure of its own: completes with {@link Status} (its data may carry {@code checks}) or fails,
   * with {@code tryComplete}/{@code tryFail}: past {@link #TIMEOUT_MS} the promise has already failed.
   */
  public Health register(String id, Handler<Promise<Status>> procedure) {
    return register(id, true, procedure);
  }

  private Health register(String id, boolean remembered, Handler<Promise<Status>> procedure) {
    checks.register(id, TIMEOUT_MS, remembered ? new Remembered(vertx, procedure) : procedure);
    order.add(id);
    return this;
  }

  /**
   * A dependency's probe shared by every probe request: one in flight at a time (the others join
   * it), and an UP answer remembered for {@link #UP_REMEMBERED_MS}, so that a flood of probes (a
   * load balancer's, an attacker's) costs the dependency at most one query a second. A DOWN answer
   * is not remembered: a recovered dependency is seen at the next probe.
   */
  private static final class Remembered implements Handler<Promise<Status>> {
    private final Vertx vertx;
    private final Handler<Promise<Status>> procedure;
    private Status up;
    private long upUntilNanos;
    private Promise<Status> inFlight;

    Remembered(Vertx vertx, Handler<Promise<Status>> procedure) {
      this.vertx = vertx;
      this.procedure = procedure;
    }

    @Override
    public void handle(Promise<Status> promise) {
      Promise<Status> shared;
      boolean run = false;
      synchronized (this) {
        if (up != null && System.nanoTime() - upUntilNanos < 0) {
          promise.tryComplete(up);
          return;
        }
        if (inFlight == null) {
          inFlight = Promise.promise();
          run = true;
        }
        shared = inFlight;
      }
      shared.future().onComplete(result -> {
        if (result.succeeded()) {
          promise.tryComplete(result.result());
        } else {
          promise.tryFail(result.cause());
        }
      });
      if (run) {
        Promise<Status> attempt = Promise.promise();
        // A probe that never answers must not hold every later one: the attempt ends at the bound.
        long timer = vertx.setTimer(TIMEOUT_MS, ignored -> attempt.tryFail("no answer within " + TIMEOUT_MS + " ms"));
        attempt.future().onComplete(result -> {
          vertx.cancelTimer(timer);
          synchronized (this) {
            inFlight = null;
            boolean isUp = result.succeeded() && result.result().isOk();
            up = isUp ? result.result() : null;
            upUntilNanos = System.nanoTime() + UP_REMEMBERED_MS * 1_000_000;
          }
          shared.handle(result);
        });
        try {
          procedure.handle(attempt);
        } catch (RuntimeException e) {
          attempt.tryFail(e);
        }
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    checks.checkStatus().onComplete(result -> authentication.isAdmin(ctx).onComplete(admin -> {
      boolean showErrors = Boolean.TRUE.equals(admin.result());
      JsonArray entries = new JsonArray();
      boolean up = result.succeeded() && result.result().getUp();
      if (result.succeeded() && result.result().getChecks() != null) {
        result.result().getChecks().stream()
            .sorted(Comparator.comparingInt(check -> order.indexOf(check.getId())))
            .forEach(check -> entries.add(entry(check, showErrors)));
      }
      ctx.response()
          .setStatusCode(up ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", entries).encode());
    }));
  }

  private static JsonObject entry(CheckResult check, boolean showErrors) {
    JsonObject entry = new JsonObject().put("id", check.getId()).put("status", check.getUp() ? "UP" : "DOWN");
    JsonObject data = check.getStatus() == null ? null : check.getStatus().getData();
    if (data != null && data.getValue("checks") instanceof JsonArray nested) {
      entry.put("checks", showErrors ? nested : withoutErrors(nested));
    }
    if (showErrors) {
      if (check.getFailure() != null) {
        entry.put("error", String.valueOf(check.getFailure().getMessage()));
      } else if (data != null && data.getString("error") != null) {
        entry.put("error", data.getString("error"));
      }
    }
    return entry;
  }

  private static JsonArray withoutErrors(JsonArray checks) {
    JsonArray stripped = new JsonArray();
    for (Object item : checks) {
      if (item instanceof JsonObject check) {
        JsonObject copy = new JsonObject().put("id", check.getValue("id")).put("status", check.getValue("status"));
        if (check.getValue("checks") instanceof JsonArray nested) {
          copy.put("checks", withoutErrors(nested));
        }
        stripped.add(copy);
      }
    }
    return stripped;
  }

  private static Future<?> probe(HealthCheck check) {
    try {
      return check.probe().get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
