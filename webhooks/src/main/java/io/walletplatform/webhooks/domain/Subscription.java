package io.walletplatform.webhooks.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A principal's webhook: where its events of the listed types go, unless it was disabled (its
 * receiver timed out too many times in a row: {@code disabledAt} and why).
 */
public record Subscription(UUID webhookId, String principal, String url, List<String> events, Instant createdAt,
                           Instant disabledAt, String disabledReason) {

  /** A new one: active. */
  public Subscription(UUID webhookId, String principal, String url, List<String> events, Instant createdAt) {
    this(webhookId, principal, url, events, createdAt, null, null);
  }

  /** As listed: never the secret. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("webhookId", webhookId.toString()).put("url", url)
        .put("events", new JsonArray(events)).put("createdAt", Timestamps.format(createdAt))
        .put("status", disabledAt == null ? "ACTIVE" : "DISABLED");
    if (disabledAt != null) {
      json.put("disabledAt", Timestamps.format(disabledAt)).put("disabledReason", disabledReason);
    }
    return json;
  }
}
