package io.walletplatform.common.money;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * What a wallet holds: a code (ISO 4217 or custom, {@code [A-Z0-9_]{2,16}}) and its precision, the
 * number of fractional digits of one unit. Amounts of an asset are integers of 10^-precision units
 * ({@link Money#minor()}); an asset's precision never changes once it exists.
 */
public record Asset(String code, int precision) {

  public static final Pattern CODE = Pattern.compile("[A-Z0-9_]{2,16}");
  /** The most fractional digits an asset may have: 1,000,000,000 units of it still fit a bigint 9,000 times. */
  public static final int MAX_PRECISION = 8;
  /** The largest operation amount, in units, whatever the asset. */
  public static final BigDecimal MAX_UNITS = BigDecimal.valueOf(1_000_000_000L);
  /** The one implicit currency of every wallet created before assets existed. */
  public static final Asset USD = new Asset("USD", 2);

  static {
    // Vert.x writes a BigDecimal with its toString(): 0.00000001 BTC would read 1E-8, an exponent a
    // client parsing decimals may refuse or round. Every amount goes out through this class, so the
    // process's JSON writes every decimal as plain digits from here on.
    io.vertx.core.json.jackson.DatabindCodec.mapper().getFactory()
        .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  }

  public Asset {
    if (code == null || !CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("an asset code is 2 to 16 of A-Z, 0-9 and _");
    }
    if (precision < 0 || precision > MAX_PRECISION) {
      throw new IllegalArgumentException("an asset's precision is 0 to " + MAX_PRECISION);
    }
  }

  /**
   * The exact amount a decimal denotes in this asset.
   *
   * @throws IllegalArgumentException if it has more fractional digits than the asset allows
   */
  public Money amount(BigDecimal value) {
    return Money.of(value, precision);
  }

  /** The amount as a decimal with exactly this asset's fractional digits, as responses write it. */
  public BigDecimal decimal(Money amount) {
    return amount.toDecimal(precision);
  }

  /** Whether the decimal has at most this asset's fractional digits. */
  public boolean fits(BigDecimal value) {
    return value.stripTrailingZeros().scale() <= precision;
  }
}
