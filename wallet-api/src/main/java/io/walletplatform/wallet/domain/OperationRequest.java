package io.walletplatform.wallet.domain;

import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.time.Instant;
import java.util.UUID;

/**
 * An operation as submitted, checked: {@code toWalletId} only for a TRANSFER (never the wallet
 * itself), {@code holdId} only for a CAPTURE or VOID, {@code expiresAt} only for a HOLD (always set:
 * the default is applied before), a VOID's amount zero.
 */
public record OperationRequest(UUID walletId, OperationType type, Money amount, UUID toWalletId, UUID holdId,
                               Instant expiresAt) {

  public static OperationRequest of(UUID walletId, OperationType type, Money amount) {
    return new OperationRequest(walletId, type, amount, null, null, null);
  }
}
