package io.walletplatform.worker.domain;

import io.walletplatform.common.money.Money;

/** The outcome the ledger decided for one operation, as it is written to {@code wallet_operations}. */
public record AppliedOperation(PendingOperation pending, String status, String failureReason, Money balanceAfter) {

  public static final String COMPLETED = "COMPLETED";
  public static final String FAILED = "FAILED";
  /** The reason of an operation the worker could never apply: a data error after bounded attempts. */
  public static final String PROCESSING_FAILED = "PROCESSING_FAILED";
}
