package io.walletplatform.common.wallet;

/**
 * Where an accepted operation or transaction stands: PENDING until the worker (or the transaction
 * coordinator) decides it, then COMPLETED or FAILED for good. Written by its name wherever it meets
 * SQL, JSON and Kafka.
 */
public enum OperationStatus {
  PENDING, COMPLETED, FAILED
}
