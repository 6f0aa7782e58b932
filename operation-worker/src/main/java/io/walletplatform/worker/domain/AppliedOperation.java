package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletSnapshot;

/**
 * The outcome the ledger decided for one operation, as it is written to {@code wallet_operations}:
 * the amount recorded (a VOID's is the amount it released, zero when it failed), the wallet right
 * after its turn ({@code null} when the wallet does not exist) and, for a COMPLETED TRANSFER, the
 * destination right after it. {@code asset} is the wallet's, in whose units the amounts are
 * ({@code null} only when the wallet does not exist).
 */
public record AppliedOperation(PendingOperation pending, OperationStatus status, FailureReason failureReason, Money amount,
                               WalletSnapshot after, WalletSnapshot toAfter, Asset asset) {

  static AppliedOperation completed(PendingOperation pending, Money amount, WalletSnapshot after,
                                    WalletSnapshot toAfter) {
    return new AppliedOperation(pending, OperationStatus.COMPLETED, null, amount, after, toAfter, after.asset());
  }

  /** Nothing moved: the wallet as it was ({@code null} if it does not exist). */
  static AppliedOperation failed(PendingOperation pending, FailureReason reason, WalletSnapshot unchanged) {
    return new AppliedOperation(pending, OperationStatus.FAILED, reason, pending.event().amount(), unchanged, null,
        unchanged == null ? null : unchanged.asset());
  }

  public boolean completed() {
    return status == OperationStatus.COMPLETED;
  }

  public Money balanceAfter() {
    return after == null ? null : after.balance();
  }
}
