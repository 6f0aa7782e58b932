package io.walletplatform.common.config;

import io.vertx.core.http.HttpServerOptions;

import java.time.Duration;

/**
 * The address a service's HTTP server binds, and how long it lets a request or an idle connection
 * hold resources: {@code requestTimeout} answers a request that has not finished with 503, and
 * {@code idleTimeout} closes a connection that sent nothing (a slow or abandoned client). The
 * default address is the loopback one: a process started on a laptop is not reachable from the
 * network until {@code HTTP_HOST} says so (docker-compose.yml sets {@code 0.0.0.0}).
 *
 * @param idempotencyTtl   how long the answer to a POST with an {@code Idempotency-Key} is replayed
 *                         ({@code IDEMPOTENCY_TTL_HOURS}, at least 24)
 * @param idempotencyLease how long a key whose request has not answered keeps retries out with 409
 *                         (its process may have died); after it a retry runs the request again
 */
public record HttpSettings(String host, int port, Duration requestTimeout, Duration idleTimeout,
                           Duration idempotencyTtl, Duration idempotencyLease) {

  public static HttpSettings from(Config config, String portVariable, int defaultPort) {
    return new HttpSettings(config.get("HTTP_HOST", "127.0.0.1"), config.getInt(portVariable, defaultPort, 0, 65535),
        config.getMillis("HTTP_REQUEST_TIMEOUT_MS", 30_000, 100, 600_000),
        Duration.ofSeconds(config.getLong("HTTP_IDLE_TIMEOUT_S", 60, 1, 3_600)),
        Duration.ofHours(config.getLong("IDEMPOTENCY_TTL_HOURS", 24, 24, 24 * 30)),
        config.getMillis("IDEMPOTENCY_LEASE_MS", 60_000, 1_000, 3_600_000));
  }

  public HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHost(host).setPort(port)
        .setIdleTimeout((int) idleTimeout.toSeconds());
  }
}
