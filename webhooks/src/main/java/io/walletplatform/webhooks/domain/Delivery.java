package io.walletplatform.webhooks.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.UUID;

/** One event for one webhook, and how its attempts went. */
public record Delivery(long id, UUID deliveryId, UUID eventId, String eventType, String status, int attempts,
                       Integer lastStatusCode, String lastError, Instant nextAttemptAt, Instant createdAt,
                       Instant deliveredAt) {

  public static final String PENDING = "PENDING";
  public static final String DELIVERED = "DELIVERED";
  public static final String FAILED = "FAILED";

  public JsonObject toJson() {
    return new JsonObject().put("deliveryId", deliveryId.toString()).put("eventId", eventId.toString())
        .put("eventType", eventType).put("status", status).put("attempts", attempts)
        .put("lastStatusCode", lastStatusCode).put("lastError", lastError)
        .put("nextAttemptAt", nextAttemptAt == null ? null : Timestamps.format(nextAttemptAt))
        .put("createdAt", Timestamps.format(createdAt))
        .put("deliveredAt", deliveredAt == null ? null : Timestamps.format(deliveredAt));
  }
}
