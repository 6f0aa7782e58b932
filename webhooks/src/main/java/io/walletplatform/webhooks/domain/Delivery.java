package io.walletplatform.webhooks.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.UUID;

/** One event for one webhook, and how its attempts went. */
public record Delivery(long id, UUID deliveryId, UUID eventId, String eventType, Status status, int attempts,
                       Integer lastStatusCode, String lastError, Instant nextAttemptAt, Instant createdAt,
                       Instant deliveredAt) {

  /** PENDING while attempts go on (or wait for the next one), then DELIVERED or FAILED for good. */
  public enum Status {
    PENDING, DELIVERED, FAILED
  }

  public JsonObject toJson() {
    return new JsonObject().put("deliveryId", deliveryId.toString()).put("eventId", eventId.toString())
        .put("eventType", eventType).put("status", status.name()).put("attempts", attempts)
        .put("lastStatusCode", lastStatusCode).put("lastError", lastError)
        .put("nextAttemptAt", nextAttemptAt == null ? null : Timestamps.format(nextAttemptAt))
        .put("createdAt", Timestamps.format(createdAt))
        .put("deliveredAt", deliveredAt == null ? null : Timestamps.format(deliveredAt));
  }
}
