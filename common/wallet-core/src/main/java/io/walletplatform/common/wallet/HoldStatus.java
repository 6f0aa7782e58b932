package io.walletplatform.common.wallet;

/** A hold's state: ACTIVE until a CAPTURE, a VOID or its expiry settles it, once. */
public enum HoldStatus {
  ACTIVE, CAPTURED, VOIDED, EXPIRED
}
