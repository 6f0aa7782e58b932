package io.walletplatform.common.ops;

import io.walletplatform.common.health.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.walletplatform.common.util.VertxLocal;

/**
 * Whether a process wants traffic, beyond its dependencies answering: not while it warms up its
 * hot paths after a start, and not once it is shutting down (so that a load balancer takes it out
 * before its server closes). {@code /health/ready} reports it as the check {@code readiness}; a
 * process that neither warms up nor drains stays {@link State#READY}.
 */
public final class Readiness implements Shareable {

  /** What the process is doing. */
  public enum State { WARMING_UP, READY, DRAINING }

  private volatile State state = State.READY;

  /** The readiness of the process this Vert.x serves (READY unless someone says otherwise). */
  public static Readiness of(Vertx vertx) {
    return VertxLocal.get(vertx, "readiness", Readiness::new);
  }

  public State state() {
    return state;
  }

  /** Out of rotation until {@link #ready()}: called before the warm-up starts. */
  public void warmingUp() {
    if (state != State.DRAINING) {
      state = State.WARMING_UP;
    }
  }

  /** In rotation, unless shutdown has begun (a warm-up that ends during shutdown changes nothing). */
  public void ready() {
    if (state != State.DRAINING) {
      state = State.READY;
    }
  }

  /** Out of rotation for good: shutdown has begun. */
  public void draining() {
    state = State.DRAINING;
  }

  /** The check {@code /health/ready} runs: fails while warming up or draining, saying which. */
  public HealthCheck check() {
    return HealthCheck.inProcess("readiness", () -> switch (state) {
      case READY -> Future.succeededFuture();
      case WARMING_UP -> Future.failedFuture("warming up");
      case DRAINING -> Future.failedFuture("shutting down");
    });
  }
}
