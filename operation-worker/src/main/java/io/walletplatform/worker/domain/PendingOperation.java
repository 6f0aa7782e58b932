package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.WalletOperationEvent;

/** A decoded operation and where it sits in Kafka. */
public record PendingOperation(WalletOperationEvent event, int partition, long offset) {
}
