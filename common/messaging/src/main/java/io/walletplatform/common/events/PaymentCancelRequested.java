package io.walletplatform.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code payments.requests}, keyed by userId like the request it follows: orders-api gave up waiting
 * for an order's payment and asks payments-api to agree never to debit it. Payments answers with
 * the decision it recorded for the order, or, when it has none, records FAILED / PAYMENT_TIMEOUT.
 */
public record PaymentCancelRequested(UUID eventId, UUID orderId, UUID userId, Instant createdAt) {

  public static final String EVENT_TYPE = "PaymentCancelRequested";

  public String encode() {
    return new JsonObject()
        .put("eventId", eventId.toString())
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("createdAt", Timestamps.format(createdAt))
        .encode();
  }

  public static PaymentCancelRequested decode(byte[] value) {
    JsonNode node = EventFields.object(value);
    return new PaymentCancelRequested(EventFields.uuid(node, "eventId"), EventFields.uuid(node, "orderId"),
        EventFields.uuid(node, "userId"), EventFields.instant(node, "createdAt"));
  }
}
