package io.walletplatform.payments.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/** A user's account, with the metadata it was opened with ({@code null}: none). */
public record Account(UUID userId, Money balance, long version, Instant createdAt, Instant updatedAt,
                      JsonObject metadata) {

  public Account {
    if (balance.isNegative()) {
      throw new IllegalStateException("account " + userId + " has a negative balance " + balance);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("userId", userId.toString())
        .put("balance", balance.toDecimal())
        .put("version", version)
        .put("metadata", io.walletplatform.common.json.Metadata.orEmpty(metadata))
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
