package io.walletplatform.common.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.events.EventFields;
import io.walletplatform.common.inbox.InvalidRecordException;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * The value of a {@code wallet.operations} record: one accepted operation, keyed by wallet id.
 * {@link #decode(byte[])} checks every field, so whatever the worker applies was well formed.
 * {@code requestedBy} is the principal that submitted it ({@code null} in records from before
 * authentication).
 */
public record WalletOperationEvent(UUID operationId, UUID walletId, OperationType operationType, Money amount,
                                   Instant acceptedAt, String requestedBy) {

  public static final String EVENT_TYPE = "WalletOperationAccepted";

  public enum OperationType { DEPOSIT, WITHDRAW }

  public String encode() {
    return new JsonObject()
        .put("operationId", operationId.toString())
        .put("walletId", walletId.toString())
        .put("operationType", operationType.name())
        .put("amountMinor", amount.minor())
        .put("acceptedAt", Timestamps.format(acceptedAt))
        .put("requestedBy", requestedBy)
        .encode();
  }

  /** Decodes a record value; anything malformed is an {@link InvalidRecordException} naming the field. */
  public static WalletOperationEvent decode(byte[] value) {
    JsonNode node = EventFields.object(value);
    OperationType type;
    try {
      type = OperationType.valueOf(EventFields.text(node, "operationType"));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("operationType must be DEPOSIT or WITHDRAW");
    }
    return new WalletOperationEvent(EventFields.uuid(node, "operationId"), EventFields.uuid(node, "walletId"), type,
        Money.ofMinor(EventFields.positiveMinor(node, "amountMinor", Money.MAX_AMOUNT.minor())),
        EventFields.instant(node, "acceptedAt"), EventFields.optionalPrincipal(node, "requestedBy"));
  }
}
