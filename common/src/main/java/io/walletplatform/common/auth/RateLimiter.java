package io.walletplatform.common.auth;

import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.http.ProblemException;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per principal, shared by every event loop of the process: {@code ratePerSecond}
 * requests a second on average, {@code burst} at once. Buckets of principals that have been idle
 * long enough to be full again are dropped when the map reaches its bound, so memory stays bounded
 * whatever subjects arrive.
 */
public final class RateLimiter {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int ratePerSecond;
  private final int burst;
  private final int maxPrincipals;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param ratePerSecond 0 admits everything */
  public RateLimiter(int ratePerSecond, int burst, int maxPrincipals) {
    if (ratePerSecond < 0 || burst < 1 || maxPrincipals < 1) {
      throw new IllegalArgumentException("rate " + ratePerSecond + ", burst " + burst + ", principals " + maxPrincipals);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.maxPrincipals = maxPrincipals;
  }

  /** 0 when the request is admitted, otherwise the whole seconds until the principal may try again. */
  public long admit(String principal, long nowNanos) {
    if (ratePerSecond == 0) {
      return 0;
    }
    Bucket bucket = buckets.get(principal);
    if (bucket == null) {
      if (buckets.size() >= maxPrincipals) {
        dropIdle(nowNanos);
      }
      bucket = buckets.computeIfAbsent(principal, ignored -> new Bucket(burst, nowNanos));
    }
    return bucket.take(nowNanos, ratePerSecond, burst);
  }

  /** Fails the request with 429 RATE_LIMITED when its principal is over its rate. */
  public void handle(RoutingContext ctx) {
    long waitSeconds = admit(Principal.of(ctx).subject(), System.nanoTime());
    if (waitSeconds == 0) {
      ctx.next();
      return;
    }
    ctx.fail(ProblemException.rateLimited("more than " + ratePerSecond
        + " write requests a second for this principal; retry after " + waitSeconds + " s", waitSeconds));
  }

  private void dropIdle(long nowNanos) {
    long refillNanos = (long) burst * NANOS_PER_SECOND / ratePerSecond;
    buckets.values().removeIf(bucket -> bucket.idleFor(nowNanos) >= refillNanos);
    if (buckets.size() >= maxPrincipals) {
      // Everyone is busy: forgetting some buckets only lets their principals start with a full one.
      buckets.clear();
    }
  }

  private static final class Bucket {
    private double tokens;
    private long updatedNanos;

    Bucket(int tokens, long nowNanos) {
      this.tokens = tokens;
      this.updatedNanos = nowNanos;
    }

    synchronized long take(long nowNanos, int ratePerSecond, int burst) {
      long elapsed = Math.max(0, nowNanos - updatedNanos);
      tokens = Math.min(burst, tokens + (double) elapsed * ratePerSecond / NANOS_PER_SECOND);
      updatedNanos = nowNanos;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerSecond));
    }

    synchronized long idleFor(long nowNanos) {
      return nowNanos - updatedNanos;
    }
  }
}
