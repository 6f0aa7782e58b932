package io.walletplatform.common.health;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * A probe for {@code /health}: the future fails (or times out) when what it checks is down.
 *
 * @param inProcess the probe reads this process's own state (warming up, consumers' progress): it
 *                  costs nothing, so its answer is never remembered; a dependency's UP is remembered
 *                  for {@link io.walletplatform.common.ops.Health#UP_REMEMBERED_MS}
 */
public record HealthCheck(String id, Supplier<Future<?>> probe, boolean inProcess) {

  /** A dependency probe (a database, the broker). */
  public HealthCheck(String id, Supplier<Future<?>> probe) {
    this(id, probe, false);
  }

  /** A probe of this process's own state. */
  public static HealthCheck inProcess(String id, Supplier<Future<?>> probe) {
    return new HealthCheck(id, probe, true);
  }
}
