package io.walletplatform.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.inbox.InvalidRecordException;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * {@code payments.results}, keyed by orderId: whether the order's amount was debited, or, with
 * {@code "kind": "REFUND"}, that it was credited back (a refund always SUCCEEDS: payments refunds
 * only an order it debited).
 */
public record PaymentResult(UUID eventId, UUID orderId, UUID userId, String status, String failureReason,
                            Instant processedAt, boolean refund) {

  public static final String EVENT_TYPE = "PaymentProcessed";
  public static final String REFUND_EVENT_TYPE = "RefundProcessed";

  /** A payment's result. */
  public PaymentResult(UUID eventId, UUID orderId, UUID userId, String status, String failureReason,
                       Instant processedAt) {
    this(eventId, orderId, userId, status, failureReason, processedAt, false);
  }

  public String eventType() {
    return refund ? REFUND_EVENT_TYPE : EVENT_TYPE;
  }
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";
  public static final String ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND";
  public static final String PAYMENT_TIMEOUT = "PAYMENT_TIMEOUT";

  public String encode() {
    JsonObject json = new JsonObject()
        .put("eventId", eventId.toString())
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("status", status)
        .put("failureReason", failureReason)
        .put("processedAt", Timestamps.format(processedAt));
    if (refund) {
      json.put("kind", PaymentRequested.REFUND);
    }
    return json.encode();
  }

  public static PaymentResult decode(byte[] value) {
    JsonNode node = EventFields.object(value);
    String status = EventFields.text(node, "status");
    String reason = EventFields.optionalText(node, "failureReason");
    String kind = EventFields.optionalText(node, "kind");
    if (kind != null && !PaymentRequested.REFUND.equals(kind)) {
      throw new InvalidRecordException("kind must be absent or REFUND");
    }
    boolean valid = SUCCEEDED.equals(status) ? reason == null
        : kind == null && FAILED.equals(status) && Set.of(INSUFFICIENT_FUNDS, ACCOUNT_NOT_FOUND, PAYMENT_TIMEOUT).contains(reason);
    if (!valid) {
      throw new InvalidRecordException("status and failureReason must be SUCCEEDED/null or FAILED/"
          + INSUFFICIENT_FUNDS + "|" + ACCOUNT_NOT_FOUND + "|" + PAYMENT_TIMEOUT);
    }
    return new PaymentResult(EventFields.uuid(node, "eventId"), EventFields.uuid(node, "orderId"),
        EventFields.uuid(node, "userId"), status, reason, EventFields.instant(node, "processedAt"), kind != null);
  }
}
