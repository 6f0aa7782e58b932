package io.walletplatform.worker.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.util.UUID;

/**
 * What makes two records the same operation: an operationId seen with another fingerprint is a
 * reuse. A VOID has no amount of its own; a HOLD's expiresAt is not part of it (a retry without one
 * gets another default). Metadata is: the same id with other metadata is another request.
 */
public record Fingerprint(UUID walletId, OperationType operationType, Money amount, UUID toWalletId, UUID holdId,
                          JsonObject metadata) {

  public static Fingerprint of(UUID walletId, OperationType type, Money amount, UUID toWalletId, UUID holdId,
                               JsonObject metadata) {
    return new Fingerprint(walletId, type, type == OperationType.VOID ? null : amount, toWalletId, holdId,
        metadata == null || metadata.isEmpty() ? null : metadata);
  }

  static Fingerprint of(WalletOperationEvent event) {
    return of(event.walletId(), event.operationType(), event.amount(), event.toWalletId(), event.holdId(),
        event.metadata());
  }
}
