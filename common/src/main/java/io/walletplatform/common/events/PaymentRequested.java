package io.walletplatform.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code payments.requests}, keyed by userId: orders-api asks payments-api to debit an order's amount
 * from the account of the order's owner ({@code userId}); {@code requestedBy} is the principal that
 * placed the order ({@code null} in requests from before authentication).
 */
public record PaymentRequested(UUID eventId, UUID orderId, UUID userId, Money amount, Instant createdAt,
                               String requestedBy) {

  public static final String EVENT_TYPE = "PaymentRequested";

  public String encode() {
    return new JsonObject()
        .put("eventId", eventId.toString())
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("amountMinor", amount.minor())
        .put("createdAt", Timestamps.format(createdAt))
        .put("requestedBy", requestedBy)
        .encode();
  }

  public static PaymentRequested decode(byte[] value) {
    JsonNode node = EventFields.object(value);
    return new PaymentRequested(EventFields.uuid(node, "eventId"), EventFields.uuid(node, "orderId"),
        EventFields.uuid(node, "userId"),
        Money.ofMinor(EventFields.positiveMinor(node, "amountMinor", Money.MAX_AMOUNT.minor())),
        EventFields.instant(node, "createdAt"), EventFields.optionalPrincipal(node, "requestedBy"));
  }

  /** Who the payment transaction records as its requester: the principal, or the owner for an old request. */
  public String requestedByOrOwner() {
    return requestedBy != null ? requestedBy : userId.toString();
  }
}
