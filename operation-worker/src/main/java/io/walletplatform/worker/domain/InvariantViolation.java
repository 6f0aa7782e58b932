package io.walletplatform.worker.domain;

/** A broken invariant: a bug of the ledger, never a property of the data. */
public final class InvariantViolation extends IllegalStateException {

  public InvariantViolation(String message) {
    super(message);
  }
}
