package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * A hold as the ledger sees it: created by a HOLD (its id is the HOLD's operationId), settled once by
 * a CAPTURE, a VOID or the platform's release at expiry. {@code stored} tells whether the row exists
 * already (an update) or was created in this batch (an insert).
 */
public record Hold(UUID holdId, UUID walletId, Money amount, HoldStatus status, Instant expiresAt, Instant createdAt,
                   UUID settledBy, boolean stored) {

  public boolean active() {
    return status == HoldStatus.ACTIVE;
  }

  Hold settled(HoldStatus newStatus, UUID operationId) {
    if (!active()) {
      throw new IllegalStateException("hold " + holdId + " is settled twice (" + status + ", then " + newStatus + ")");
    }
    return new Hold(holdId, walletId, amount, newStatus, expiresAt, createdAt, operationId, stored);
  }
}
