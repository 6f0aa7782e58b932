package io.walletplatform.worker.domain;

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
public record AppliedOperation(PendingOperation pending, String status, String failureReason, Money amount,
                               WalletSnapshot after, WalletSnapshot toAfter, Asset asset) {

  public static final String COMPLETED = "COMPLETED";
  public static final String FAILED = "FAILED";
  /** The reason of an operation the worker could never apply: a data error after bounded attempts. */
  public static final String PROCESSING_FAILED = "PROCESSING_FAILED";

  static AppliedOperation completed(PendingOperation pending, Money amount, WalletSnapshot after,
                                    WalletSnapshot toAfter) {
    return new AppliedOperation(pending, COMPLETED, null, amount, after, toAfter, after.asset());
  }

  /** Nothing moved: the wallet as it was ({@code null} if it does not exist). */
  static AppliedOperation failed(PendingOperation pending, String reason, WalletSnapshot unchanged) {
    return new AppliedOperation(pending, FAILED, reason, pending.event().amount(), unchanged, null,
        unchanged == null ? null : unchanged.asset());
  }

  public Money balanceAfter() {
    return after == null ? null : after.balance();
  }
}
