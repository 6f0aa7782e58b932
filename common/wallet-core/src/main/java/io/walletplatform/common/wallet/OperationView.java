package io.walletplatform.common.wallet;

import io.walletplatform.common.util.Enums;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.JsonText;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.time.Instant;
import java.util.UUID;

/**
 * An operation as clients see it from one wallet: PENDING until operation-worker has applied it,
 * then COMPLETED or FAILED. A TRANSFER is seen from its source ({@code toWalletId}) or, once applied,
 * from its destination ({@code walletId} the destination, {@code fromWalletId} the source, and the
 * destination's own {@code balanceAfter}). The members of one type only are written only for it.
 * Amounts are written with the fractional digits of the wallet's asset.
 * wallet-api answers with it; operation-worker puts it in the operation's platform events.
 * {@code metadata} is what the client attached to the operation ({@code null}: none, written {@code {}}).
 */
public record OperationView(UUID operationId, UUID walletId, OperationType operationType, Money amount,
                            OperationStatus status, FailureReason failureReason, Money balanceAfter, Instant acceptedAt,
                            Instant processedAt, String requestedBy, UUID toWalletId, UUID fromWalletId, UUID holdId,
                            Instant expiresAt, HoldStatus holdStatus, Asset asset, UUID transactionId,
                            JsonObject metadata) {

  /** Whether this is the destination's view of a TRANSFER. */
  public boolean credit() {
    return fromWalletId != null;
  }

  /**
   * The operation as JSON text, written member by member without building an object (an accepted
   * operation's 202, every read of one, a page of them, its platform events): the members of one type
   * only are written only for it; {@code metadata} is always there ({@code {}} when none).
   * OperationViewTest holds it to the text of a JsonObject of the same members, for every shape.
   */
  public String encode() {
    JsonText json = new JsonText(metadata == null ? 512 : 1024)
        .uuid("operationId", operationId)
        .uuid("walletId", walletId)
        .plain("operationType", operationType.name())
        .plain("asset", asset.code())
        .number("amount", asset.decimal(amount))
        .plain("status", status.name())
        .plain("failureReason", Enums.name(failureReason))
        .number("balanceAfter", balanceAfter == null ? null : asset.decimal(balanceAfter))
        .plain("acceptedAt", Timestamps.format(acceptedAt))
        .plain("processedAt", Timestamps.format(processedAt))
        .string("requestedBy", requestedBy)
        .raw("metadata", metadata == null ? "{}" : metadata.encode());
    if (toWalletId != null) {
      json.uuid("toWalletId", toWalletId);
    }
    if (fromWalletId != null) {
      json.uuid("fromWalletId", fromWalletId);
    }
    if (holdId != null) {
      json.uuid("holdId", holdId);
    }
    if (expiresAt != null) {
      json.plain("expiresAt", Timestamps.format(expiresAt));
    }
    if (transactionId != null) {
      json.uuid("transactionId", transactionId);
    }
    if (operationType == OperationType.HOLD && holdStatus != null) {
      json.plain("holdStatus", holdStatus.name());
    }
    return json.close();
  }
}
