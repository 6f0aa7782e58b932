package io.walletplatform.orders.domain;

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
public record Order(UUID orderId, UUID userId, Money amount, String description, String status, String failureReason,
                    String requestedBy, Instant createdAt, Instant updatedAt, Instant refundRequestedAt,
                    JsonObject metadata) {

  public static final String NEW = "NEW";
  public static final String FINISHED = "FINISHED";
  public static final String FAILED = "FAILED";
  public static final String REFUNDED = "REFUNDED";

  public JsonObject toJson() {
    return new JsonObject()
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("amount", amount.toDecimal())
        .put("description", description)
        .put("status", status)
        .put("failureReason", failureReason)
        .put("refundRequestedAt", refundRequestedAt == null ? null : Timestamps.format(refundRequestedAt))
        .put("requestedBy", requestedBy)
        .put("metadata", io.walletplatform.common.json.Metadata.orEmpty(metadata))
        .put("createdAt", Timestamps.format(createdAt))
        .put("updatedAt", Timestamps.format(updatedAt));
  }
}
