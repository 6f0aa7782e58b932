package io.walletplatform.orders.domain;

import io.walletplatform.common.util.Enums;
import io.walletplatform.common.events.PaymentResult;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * An order: NEW until its payment result arrives, then FINISHED or FAILED for good; a FINISHED order
 * may be refunded once ({@code refundRequestedAt} set when asked, REFUNDED when payments credited the
 * account back). {@code requestedBy}: the principal that placed it; {@code metadata}: what it was placed
 * with ({@code null}: none).
 */
public record Order(UUID orderId, UUID userId, Money amount, String description, OrderStatus status,
                    PaymentResult.Reason failureReason,
                    String requestedBy, Instant createdAt, Instant updatedAt, Instant refundRequestedAt,
                    JsonObject metadata) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("amount", amount.toDecimal())
        .put("description", description)
        .put("status", status.name())
        .put("failureReason", Enums.name(failureReason))
        .put("refundRequestedAt", refundRequestedAt == null ? null : Timestamps.format(refundRequestedAt))
        .put("requestedBy", requestedBy)
        .put("metadata", io.walletplatform.common.json.Metadata.orEmpty(metadata))
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
