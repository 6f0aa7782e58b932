package io.walletplatform.payments.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/** One balance change: a DEPOSIT, or the PAYMENT of an order; {@code requestedBy} is the principal that asked for it. */
public record AccountTransaction(UUID transactionId, String type, Money amount, UUID orderId, Money balanceAfter,
                                 String requestedBy, Instant createdAt) {

  public static final String DEPOSIT = "DEPOSIT";
  public static final String PAYMENT = "PAYMENT";
  public static final String REFUND = "REFUND";

  public JsonObject toJson() {
    return new JsonObject()
        .put("transactionId", transactionId.toString())
        .put("type", type)
        .put("amount", amount.toDecimal())
        .put("orderId", orderId == null ? null : orderId.toString())
        .put("balanceAfter", balanceAfter.toDecimal())
        .put("requestedBy", requestedBy)
        .put("createdAt", Timestamps.format(createdAt));
  }
}
