package io.walletplatform.common.money;

import java.math.BigDecimal;

/**
 * An amount of money in integer minor units: cents for the two-decimal currencies of orders and
 * payments (the default {@link #SCALE}), 10^-precision units of a wallet's {@link Asset}. Arithmetic is checked: an overflow is a bug,
 * never a silently wrapped balance. Parsing is exact from decimal text, never through {@code double}.
 */
public record Money(long minor) implements Comparable<Money> {

  public static final int SCALE = 2;
  public static final Money ZERO = new Money(0);
  /** The largest operation or order amount: 1,000,000,000.00. */
  public static final Money MAX_AMOUNT = new Money(100_000_000_000L);

  public static Money ofMinor(long minor) {
    return new Money(minor);
  }

  /**
   * The exact amount a decimal denotes.
   *
   * @throws IllegalArgumentException if it has more than two fractional digits or does not fit in a long
   */
  public static Money of(BigDecimal value) {
    return of(value, SCALE);
  }

  /**
   * The exact amount a decimal denotes in units of {@code 10^-scale}.
   *
   * @throws IllegalArgumentException if it has more than {@code scale} fractional digits or does not fit in a long
   */
  public static Money of(BigDecimal value, int scale) {
    BigDecimal normalized = value.stripTrailingZeros();
    if (normalized.scale() > scale) {
      throw new IllegalArgumentException("must have at most " + scale + " fractional digits");
    }
    try {
      return new Money(value.movePointRight(scale).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("is out of range", e);
    }
  }

  public Money plus(Money other) {
    return new Money(Math.addExact(minor, other.minor));
  }

  public Money minus(Money other) {
    return new Money(Math.subtractExact(minor, other.minor));
  }

  public boolean isNegative() {
    return minor < 0;
  }

  public boolean isPositive() {
    return minor > 0;
  }

  /** The amount as a decimal with exactly two fractional digits, as responses write it. */
  public BigDecimal toDecimal() {
    return BigDecimal.valueOf(minor, SCALE);
  }

  /** The amount as a decimal with exactly {@code scale} fractional digits. */
  public BigDecimal toDecimal(int scale) {
    return BigDecimal.valueOf(minor, scale);
  }

  @Override
  public int compareTo(Money other) {
    return Long.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return toDecimal().toPlainString();
  }
}
