package io.walletplatform.wallet.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.time.Instant;
import java.util.UUID;

/** An operation as clients see it: PENDING until operation-worker has applied it, then COMPLETED or FAILED. */
public record OperationView(UUID operationId, UUID walletId, OperationType operationType, Money amount,
                            String status, String failureReason, Money balanceAfter, Instant acceptedAt,
                            Instant processedAt, String requestedBy) {

  public static OperationView pending(UUID operationId, UUID walletId, OperationType type, Money amount,
                                      Instant acceptedAt, String requestedBy) {
    return new OperationView(operationId, walletId, type, amount, "PENDING", null, null, acceptedAt, null, requestedBy);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("operationId", operationId.toString())
        .put("walletId", walletId.toString())
        .put("operationType", operationType.name())
        .put("amount", amount.toDecimal())
        .put("status", status)
        .put("failureReason", failureReason)
        .put("balanceAfter", balanceAfter == null ? null : balanceAfter.toDecimal())
        .put("acceptedAt", Timestamps.format(acceptedAt))
        .put("processedAt", Timestamps.format(processedAt))
        .put("requestedBy", requestedBy);
  }
}
