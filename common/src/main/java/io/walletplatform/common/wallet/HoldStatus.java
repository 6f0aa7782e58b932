package io.walletplatform.common.wallet;

/** A hold's state: ACTIVE until a CAPTURE, a VOID or its expiry settles it, once. */
public enum HoldStatus {
  ACTIVE, CAPTURED, VOIDED, EXPIRED;

  /** The status written as {@code text} ({@code null} for none). */
  public static HoldStatus of(String text) {
    return text == null ? null : valueOf(text);
  }
}
