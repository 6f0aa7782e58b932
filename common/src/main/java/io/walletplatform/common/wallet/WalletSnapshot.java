package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/** A wallet's balance at one version, as stored in PostgreSQL and cached in Redis. */
public record WalletSnapshot(UUID walletId, Money balance, long version, Instant createdAt, Instant updatedAt) {

  public WalletSnapshot {
    if (balance.isNegative()) {
      throw new IllegalStateException("wallet " + walletId + " has a negative balance " + balance);
    }
  }

  /** The wallet as the API answers it, with its owner (the sub that created it; null for a wallet from before authentication). */
  public JsonObject toJson(String ownerId) {
    return new JsonObject()
        .put("walletId", walletId.toString())
        .put("ownerId", ownerId)
        .put("balance", balance.toDecimal())
        .put("version", version)
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
