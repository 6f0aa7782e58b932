package io.walletplatform.common.ops;

import io.vertx.core.Future;

import java.util.function.Supplier;

/** A dependency probe for {@code /health}: the future fails (or times out) when the dependency is down. */
public record HealthCheck(String id, Supplier<Future<?>> probe) {
}
