package io.walletplatform.common.auth;

import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.util.LruMap;


/**
 * A token bucket per key (a principal, a source address), shared by every event loop of the
 * process: {@code ratePerSecond} requests a second on average, {@code burst} at once. The buckets
 * live in an {@link LruMap}: past {@code maxKeys} the least recently used one is forgotten, so a
 * flood of new keys neither grows memory nor resets the bucket of a key that is in use (forgetting
 * an idle key's bucket only lets it start again with a full one, which it would have had anyway).
 */
public final class RateLimiter {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double ratePerSecond;
  private final int burst;
  private final LruMap<String, Bucket> buckets;
  private final String what;

  /** @param ratePerSecond 0 admits everything */
  public RateLimiter(double ratePerSecond, int burst, int maxKeys) {
    this(ratePerSecond, burst, maxKeys, "write");
  }

  /** @param what the kind of request counted, as the 429's detail names it ({@code write}, {@code read}) */
  public RateLimiter(double ratePerSecond, int burst, int maxKeys, String what) {
    if (ratePerSecond < 0 || burst < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("rate " + ratePerSecond + ", burst " + burst + ", keys " + maxKeys);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.buckets = new LruMap<>(maxKeys);
    this.what = what;
  }

  /** 0 when the request is admitted, otherwise the whole seconds until the key may try again. */
  public long admit(String key, long nowNanos) {
    if (ratePerSecond == 0) {
      return 0;
    }
    return buckets.computeIfAbsent(key, ignored -> new Bucket(burst, nowNanos)).take(nowNanos, ratePerSecond, burst);
  }

  /** Fails the request with 429 RATE_LIMITED when its principal is over its rate. */
  public void handle(RoutingContext ctx) {
    long waitSeconds = admit(Principal.of(ctx).subject(), System.nanoTime());
    if (waitSeconds == 0) {
      ctx.next();
      return;
    }
    ctx.fail(ProblemException.rateLimited("more than " + rate()
        + " " + what + " requests a second for this principal; retry after " + waitSeconds + " s", waitSeconds));
  }

  /** The rate as people write it: 1000, 0.5. */
  public String rate() {
    return java.math.BigDecimal.valueOf(ratePerSecond).stripTrailingZeros().toPlainString();
  }

  private static final class Bucket {
    private double tokens;
    private long updatedNanos;

    Bucket(int tokens, long nowNanos) {
      this.tokens = tokens;
      this.updatedNanos = nowNanos;
    }

    synchronized long take(long nowNanos, double ratePerSecond, int burst) {
      long elapsed = Math.max(0, nowNanos - updatedNanos);
      tokens = Math.min(burst, tokens + (double) elapsed * ratePerSecond / NANOS_PER_SECOND);
      updatedNanos = nowNanos;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerSecond));
    }
  }
}
