package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * A wallet's balance and held amount at one version, as stored in PostgreSQL and cached in Redis.
 * Constructing one asserts API.md's invariants: {@code balance >= 0}, {@code held >= 0},
 * {@code held <= balance}; a snapshot that breaks them is a bug, never data.
 */
public record WalletSnapshot(UUID walletId, Money balance, Money held, long version, Instant createdAt,
                             Instant updatedAt) {

  public WalletSnapshot {
    if (balance.isNegative() || held.isNegative() || held.compareTo(balance) > 0) {
      throw new IllegalStateException("wallet " + walletId + " breaks its invariants: balance " + balance + ", held "
          + held);
    }
  }

  /** The next version with this balance and held amount (the invariants are checked again). */
  public WalletSnapshot next(Money newBalance, Money newHeld) {
    return new WalletSnapshot(walletId, newBalance, newHeld, Math.addExact(version, 1), createdAt, updatedAt);
  }

  /** {@code balance - held}: what a WITHDRAW, TRANSFER or HOLD may take. */
  public Money available() {
    return balance.minus(held);
  }

  /** The wallet as the API answers it, with its owner (the sub that created it; null for a wallet from before authentication). */
  public JsonObject toJson(String ownerId) {
    return new JsonObject()
        .put("walletId", walletId.toString())
        .put("ownerId", ownerId)
        .put("balance", balance.toDecimal())
        .put("held", held.toDecimal())
        .put("available", available().toDecimal())
        .put("version", version)
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
