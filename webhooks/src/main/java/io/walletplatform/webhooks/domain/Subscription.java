package io.walletplatform.webhooks.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A principal's webhook: where its events of the listed types go. */
public record Subscription(UUID webhookId, String principal, String url, List<String> events, Instant createdAt) {

  /** As listed: never the secret. */
  public JsonObject toJson() {
    return new JsonObject().put("webhookId", webhookId.toString()).put("url", url)
        .put("events", new JsonArray(events)).put("createdAt", Timestamps.format(createdAt));
  }
}
