package io.walletplatform.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code payments.requests}, keyed by userId: orders-api asks payments-api to debit an order's amount
 * from the account of the order's owner ({@code userId}); {@code requestedBy} is the principal that
 * placed the order ({@code null} in requests from before authentication). A refund request
 * ({@code "kind": "REFUND"}) asks payments to credit back the order's payment, once; its
 * {@code requestedBy} is the principal that asked for the refund.
 */
public record PaymentRequested(UUID eventId, UUID orderId, UUID userId, Money amount, Instant createdAt,
                               String requestedBy, boolean refund) {

  public static final String EVENT_TYPE = "PaymentRequested";
  public static final String REFUND_EVENT_TYPE = "RefundRequested";
  public static final String REFUND = "REFUND";

  /** A payment request. */
  public PaymentRequested(UUID eventId, UUID orderId, UUID userId, Money amount, Instant createdAt, String requestedBy) {
    this(eventId, orderId, userId, amount, createdAt, requestedBy, false);
  }

  public String eventType() {
    return refund ? REFUND_EVENT_TYPE : EVENT_TYPE;
  }

  public String encode() {
    JsonObject json = new JsonObject()
        .put("eventId", eventId.toString())
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("amountMinor", amount.minor())
        .put("createdAt", Timestamps.format(createdAt))
        .put("requestedBy", requestedBy);
    if (refund) {
      json.put("kind", REFUND);
    }
    return json.encode();
  }

  public static PaymentRequested decode(byte[] value) {
    JsonNode node = EventFields.object(value);
    String kind = EventFields.optionalText(node, "kind");
    if (kind != null && !REFUND.equals(kind)) {
      throw new InvalidRecordException("kind must be absent or REFUND");
    }
    return new PaymentRequested(EventFields.uuid(node, "eventId"), EventFields.uuid(node, "orderId"),
        EventFields.uuid(node, "userId"),
        Money.ofMinor(EventFields.positiveMinor(node, "amountMinor", Money.MAX_AMOUNT.minor())),
        EventFields.instant(node, "createdAt"), EventFields.optionalPrincipal(node, "requestedBy"), kind != null);
  }

  /** Who the payment transaction records as its requester: the principal, or the owner for an old request. */
  public String requestedByOrOwner() {
    return requestedBy != null ? requestedBy : userId.toString();
  }
}
