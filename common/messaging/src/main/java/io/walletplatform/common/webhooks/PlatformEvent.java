package io.walletplatform.common.webhooks;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.JsonText;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.outbox.OutboxEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A platform event as it is published to {@code platform.events} and delivered to webhooks: the body
 * {@code {"type", "id", "timestamp", "data"}}, keyed by the resource id, for one principal.
 */
public final class PlatformEvent {

  private PlatformEvent() {
  }

  /**
   * The event's id, derived from what it reports (the same change always has the same id, so a
   * receiver dedupes on it even if the change were ever reported twice).
   */
  public static UUID id(String type, UUID resourceId, Object... more) {
    StringBuilder name = new StringBuilder(type).append(':').append(resourceId);
    for (Object part : more) {
      name.append(':').append(part);
    }
    return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The outbox row that publishes the event to {@code topic}, for {@code principal}. */
  public static OutboxEvent outbox(String topic, String type, UUID eventId, String resourceType, UUID resourceId,
                                   String principal, Instant timestamp, JsonObject data) {
    return outbox(topic, type, eventId, resourceType, resourceId, principal, timestamp, data.encode());
  }

  /**
   * {@link #outbox} for data that is JSON text already. The body: {@code {"type", "id", "timestamp", "data"}}
   * (API.md's webhook event).
   */
  public static OutboxEvent outbox(String topic, String type, UUID eventId, String resourceType, UUID resourceId,
                                   String principal, Instant timestamp, String data) {
    String body = new JsonText(data.length() + 160).string("type", type)
        .uuid("id", eventId).plain("timestamp", Timestamps.format(timestamp)).raw("data", data).close();
    return new OutboxEvent(eventId, resourceType, resourceId.toString(), topic, type, body, null, principal);
  }
}
