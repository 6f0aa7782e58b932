package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A balance monitor: "tell me when this wallet's {@code field} is {@code operator} {@code value}".
 * wallet-api stores it; the worker evaluates it on the wallet's state after every batch that changes
 * it ({@link #metBy}) and fires when {@code triggered} turns true.
 */
public record BalanceMonitor(UUID monitorId, UUID walletId, Field field, Operator operator, Money value,
                             JsonObject metadata, boolean triggered, Instant createdAt) {

  /** At most this many monitors per wallet. */
  public static final int MAX_PER_WALLET = 20;

  /** What a monitor watches. */
  public enum Field {
    BALANCE, AVAILABLE;

    /** The watched figure of a wallet with this balance and held amount. */
    public Money of(Money balance, Money held) {
      return switch (this) {
        case BALANCE -> balance;
        case AVAILABLE -> balance.minus(held);
      };
    }

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The field whose {@link #text} this is (as the API and the database write it). */
    public static Field parse(String text) {
      return byText(Field.class, text);
    }
  }

  /** How it compares. */
  public enum Operator {
    LT, LTE, GT, GTE;

    public boolean holds(Money actual, Money value) {
      int compared = actual.compareTo(value);
      return switch (this) {
        case LT -> compared < 0;
        case LTE -> compared <= 0;
        case GT -> compared > 0;
        case GTE -> compared >= 0;
      };
    }

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The operator whose {@link #text} this is (as the API and the database write it). */
    public static Operator parse(String text) {
      return byText(Operator.class, text);
    }
  }

  /** The constant whose lower-case name is {@code text}; IllegalArgumentException for any other text. */
  private static <E extends Enum<E>> E byText(Class<E> type, String text) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(text + " is not one of " + java.util.Arrays.stream(type.getEnumConstants())
        .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toList());
  }

  /** A monitor from a row of {@code wallet_monitors} (wallet-api and the worker read the same columns). */
  public static BalanceMonitor of(io.vertx.sqlclient.Row row) {
    return new BalanceMonitor(row.getUUID("monitor_id"), row.getUUID("wallet_id"), Field.parse(row.getString("field")),
        Operator.parse(row.getString("operator")), Money.ofMinor(row.getLong("value_minor")),
        row.getJsonObject("metadata"), row.getBoolean("triggered"), row.getOffsetDateTime("created_at").toInstant());
  }

  /** Whether the wallet in this state meets the monitor's condition. */
  public boolean metBy(WalletSnapshot wallet) {
    return metBy(wallet.balance(), wallet.held());
  }

  public boolean metBy(Money balance, Money held) {
    return operator.holds(field.of(balance, held), value);
  }

  public BalanceMonitor withTriggered(boolean now) {
    return new BalanceMonitor(monitorId, walletId, field, operator, value, metadata, now, createdAt);
  }

  /** As the API and the event write it, the value in the wallet's asset. */
  public JsonObject toJson(Asset asset) {
    JsonObject json = new JsonObject()
        .put("monitorId", monitorId.toString())
        .put("walletId", walletId.toString())
        .put("field", field.text())
        .put("operator", operator.text())
        .put("value", asset.decimal(value))
        .put("triggered", triggered)
        .put("createdAt", Timestamps.format(createdAt));
    if (metadata != null) {
      json.put("metadata", metadata);
    }
    return json;
  }
}
