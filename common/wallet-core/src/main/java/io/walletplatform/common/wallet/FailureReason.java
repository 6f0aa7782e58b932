package io.walletplatform.common.wallet;

/**
 * Why an operation or a transaction FAILED (nothing moved). Written by its name wherever it meets SQL,
 * JSON and Kafka; the contract (wallet-api.yaml) says which ones each can have and what they mean.
 */
public enum FailureReason {
  /** A debit beyond what the wallet had available at its turn. */
  INSUFFICIENT_FUNDS,
  /** The same, for a wallet with a credit limit: beyond available + creditLimit. */
  CREDIT_LIMIT_EXCEEDED,
  /** The wallet (or a destination) did not exist when it was applied. */
  WALLET_NOT_FOUND,
  /** A destination of another asset. */
  ASSET_MISMATCH,
  /** A credit that would take a balance past the largest amount stored. */
  BALANCE_LIMIT,
  /** The operationId was applied before with another wallet, type, amount or metadata. */
  OPERATION_ID_REUSED,
  /** A CAPTURE or VOID that named no hold of this wallet. */
  HOLD_NOT_FOUND,
  /** A CAPTURE or VOID of a hold already settled or past its expiry. */
  HOLD_NOT_ACTIVE,
  /** A CAPTURE of more than the hold. */
  AMOUNT_EXCEEDS_HOLD,
  /** A transaction's reservation released before the transaction settled. */
  RESERVATION_LOST,
  /** The worker could never apply it: a data error after bounded attempts. */
  PROCESSING_FAILED
}
