package io.walletplatform.common.webhooks;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.outbox.OutboxEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An event whose data is JSON text already has the body the same event built from an object has. */
class PlatformEventTest {

  @Test
  void anEventFromDataTextHasTheBodyOfTheSameEventFromAnObject() {
    JsonObject data = new JsonObject().put("operationId", UUID.randomUUID().toString()).put("amount", "1.50")
        .put("requestedBy", "client \"q\" \\ \u0001").put("metadata", new JsonObject().put("k", "v ü"));
    UUID eventId = UUID.randomUUID();
    UUID walletId = UUID.randomUUID();
    Instant at = Instant.parse("2026-12-06T20:50:00.001Z");
    OutboxEvent fromObject = PlatformEvent.outbox("platform.events", "wallet.operation.completed", eventId, "wallet",
        walletId, "c1", at, data);
    OutboxEvent fromText = PlatformEvent.outbox("platform.events", "wallet.operation.completed", eventId, "wallet",
        walletId, "c1", at, data.encode());
    JsonObject body = new JsonObject().put("type", "wallet.operation.completed").put("id", eventId.toString())
        .put("timestamp", "2026-12-06T20:50:00.001Z").put("data", data);
    assertEquals(body.encode(), fromText.payload());
    assertEquals(fromObject, fromText);
  }
}
