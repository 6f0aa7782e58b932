package io.walletplatform.common.http;

import io.walletplatform.common.errors.ProblemException;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.time.Instant;

/** The filters list endpoints share, read from the query and checked: a period and an amount range. */
public final class ListFilters {

  /** {@code from <= t < to} ({@code null}: open on that side). */
  public record Period(Instant from, Instant to) {
  }

  /** {@code min <= amount <= max} as sent, in units ({@code null}: open on that side). */
  public record Amounts(BigDecimal min, BigDecimal max) {

    /** The bound in minor units of {@code scale} digits; 400 when it has more. */
    public Long minMinor(int scale) {
      return min == null ? null : RequestBodies.minor(min, scale, "minAmount");
    }

    public Long maxMinor(int scale) {
      return max == null ? null : RequestBodies.minor(max, scale, "maxAmount");
    }
  }

  private ListFilters() {
  }

  /** The query's {@code from} and {@code to}, each optional; 400 when {@code to} is not after {@code from}. */
  public static Period period(RoutingContext ctx) {
    Instant from = RequestBodies.queryInstant(ctx, "from");
    Instant to = RequestBodies.queryInstant(ctx, "to");
    if (from != null && to != null && !from.isBefore(to)) {
      throw ProblemException.validation("to", "must be after from");
    }
    return new Period(from, to);
  }

  /** The query's {@code minAmount} and {@code maxAmount}, each optional; 400 when max is below min. */
  public static Amounts amounts(RoutingContext ctx) {
    BigDecimal min = RequestBodies.queryDecimal(ctx, "minAmount");
    BigDecimal max = RequestBodies.queryDecimal(ctx, "maxAmount");
    if (min != null && max != null && min.compareTo(max) > 0) {
      throw ProblemException.validation("maxAmount", "must not be less than minAmount");
    }
    return new Amounts(min, max);
  }
}
