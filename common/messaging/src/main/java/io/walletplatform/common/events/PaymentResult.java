package io.walletplatform.common.events;

import io.walletplatform.common.util.Enums;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code payments.results}, keyed by orderId: whether the order's amount was debited, or, with
 * {@code "kind": "REFUND"}, that it was credited back (a refund always SUCCEEDS: payments refunds
 * only an order it debited).
 */
public record PaymentResult(UUID eventId, UUID orderId, UUID userId, Status status, Reason failureReason,
                            Instant processedAt, boolean refund) {

  public static final String EVENT_TYPE = "PaymentProcessed";
  public static final String REFUND_EVENT_TYPE = "RefundProcessed";

  /** Whether the order's amount was debited (or, for a refund, credited back). */
  public enum Status {
    SUCCEEDED, FAILED
  }

  /** Why a payment FAILED. */
  public enum Reason {
    /** The account's balance did not cover the amount. */
    INSUFFICIENT_FUNDS,
    /** The user has no account. */
    ACCOUNT_NOT_FOUND,
    /** orders cancelled the payment before payments decided it. */
    PAYMENT_TIMEOUT
  }

  /** A payment's result. */
  public PaymentResult(UUID eventId, UUID orderId, UUID userId, Status status, Reason failureReason,
                       Instant processedAt) {
    this(eventId, orderId, userId, status, failureReason, processedAt, false);
  }

  public String eventType() {
    return refund ? REFUND_EVENT_TYPE : EVENT_TYPE;
  }

  public String encode() {
    JsonObject json = new JsonObject()
        .put("eventId", eventId.toString())
        .put("orderId", orderId.toString())
        .put("userId", userId.toString())
        .put("status", status.name())
        .put("failureReason", Enums.name(failureReason))
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
    Status decided = Enums.known(Status.class, status);
    Reason why = Enums.known(Reason.class, reason);
    boolean valid = decided == Status.SUCCEEDED ? reason == null
        : kind == null && decided == Status.FAILED && why != null;
    if (!valid) {
      throw new InvalidRecordException("status and failureReason must be SUCCEEDED/null or FAILED/"
          + java.util.Arrays.stream(Reason.values()).map(Reason::name).collect(java.util.stream.Collectors.joining("|")));
    }
    return new PaymentResult(EventFields.uuid(node, "eventId"), EventFields.uuid(node, "orderId"),
        EventFields.uuid(node, "userId"), decided, why, EventFields.instant(node, "processedAt"), kind != null);
  }
}
