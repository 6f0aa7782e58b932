package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * A wallet's balance and held amount at one version, with its asset and credit limit, as stored in
 * PostgreSQL and cached in Redis. Constructing one asserts the invariants: {@code held >= 0},
 * {@code creditLimit >= 0} and {@code balance - held >= -creditLimit} (without a credit limit: a
 * balance never below zero, never below what is held); a snapshot that breaks them is a bug, never data.
 */
public record WalletSnapshot(UUID walletId, Money balance, Money held, long version, Instant createdAt,
                             Instant updatedAt, Asset asset, Money creditLimit) {

  public WalletSnapshot {
    if (held.isNegative() || creditLimit.isNegative() || balance.minus(held).plus(creditLimit).isNegative()) {
      throw new IllegalStateException("wallet " + walletId + " breaks its invariants: balance " + balance + ", held "
          + held + ", credit limit " + creditLimit);
    }
  }

  /** The next version with this balance and held amount (the invariants are checked again). */
  public WalletSnapshot next(Money newBalance, Money newHeld) {
    return new WalletSnapshot(walletId, newBalance, newHeld, Math.addExact(version, 1), createdAt, updatedAt, asset,
        creditLimit);
  }

  /** The next version with this credit limit (the invariants are checked again). */
  public WalletSnapshot withCreditLimit(Money newCreditLimit) {
    return new WalletSnapshot(walletId, balance, held, Math.addExact(version, 1), createdAt, updatedAt, asset,
        newCreditLimit);
  }

  /** {@code balance - held}: negative only when the wallet is drawing on its credit limit. */
  public Money available() {
    return balance.minus(held);
  }

  /** {@code balance - held + creditLimit}: what a WITHDRAW, TRANSFER or HOLD may take. */
  public Money spendable() {
    return available().plus(creditLimit);
  }

  /** The wallet as the API answers it, with its owner (the sub that created it; null for a wallet from before authentication). */
  public JsonObject toJson(String ownerId) {
    return new JsonObject()
        .put("walletId", walletId.toString())
        .put("ownerId", ownerId)
        .put("asset", asset.code())
        .put("balance", asset.decimal(balance))
        .put("held", asset.decimal(held))
        .put("available", asset.decimal(available()))
        .put("creditLimit", asset.decimal(creditLimit))
        .put("version", version)
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
