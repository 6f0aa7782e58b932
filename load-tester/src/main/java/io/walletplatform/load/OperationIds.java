package io.walletplatform.load;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Unique operationIds at a fraction of {@link UUID#randomUUID()}'s cost (which draws 16 bytes from
 * a shared SecureRandom per id): 64 random bits per run, then a counter. Still version-4 UUIDs
 * (the API accepts any UUID), and two runs collide only if their 60 random bits do.
 */
final class OperationIds {

  private final long high;
  private long next;

  OperationIds() {
    long random = new SecureRandom().nextLong();
    this.high = (random & ~0xF000L) | 0x4000L;  // version 4
    this.next = 0;
  }

  UUID next() {
    return new UUID(high, 0x8000_0000_0000_0000L | (next++ & 0x3FFF_FFFF_FFFF_FFFFL));  // IETF variant
  }
}
