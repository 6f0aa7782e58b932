package io.walletplatform.wallet.domain;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Claims an operationId in Redis ({@code SET NX}) before it is produced, so that concurrent and
 * repeated submissions of one id are told apart from new ones without touching PostgreSQL.
 * A claim is ACCEPTING while its record is being produced (short expiry: a crashed accepter
 * frees it) and ACCEPTED once the broker acknowledged it (kept for the guard TTL: the idempotency
 * window).
 *
 * <p>Claims are what fills Redis (one per accepted operation for the whole window), so they are
 * binary and small: the key is the prefix, {@code o:} and the 16 bytes of the operationId; the value
 * is 33 bytes (state and type, wallet id, amount, acceptedAt), short enough for Redis's embedded
 * string encoding. Who submitted it is the wallet's owner, not stored, except when an admin submitted
 * it for someone else's wallet: then the admin's sub follows, in UTF-8. Redis evicts them under memory pressure ({@code allkeys-lru}), which only narrows
 * the window: PostgreSQL's unique operationId is what guarantees at most once.
 */
public final class OperationGuard {

  /**
   * What a claim holds: the request's fingerprint, when it was accepted, how far it got, and who
   * submitted it when that was not the wallet's owner ({@code null}: the owner).
   */
  public record Claim(boolean accepted, UUID walletId, OperationType operationType, Money amount,
                      Instant acceptedAt, String requestedByOther) {

    private static final int FIXED_BYTES = 33;
    private static final int ACCEPTED_BIT = 1;
    private static final int WITHDRAW_BIT = 2;
    private static final int MAX_BYTES = FIXED_BYTES + 4 * 255;

    byte[] encode() {
      byte[] requester = requestedByOther == null ? new byte[0] : requestedByOther.getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.allocate(FIXED_BYTES + requester.length);
      buffer.put((byte) ((accepted ? ACCEPTED_BIT : 0) | (operationType == OperationType.WITHDRAW ? WITHDRAW_BIT : 0)));
      buffer.putLong(walletId.getMostSignificantBits()).putLong(walletId.getLeastSignificantBits());
      buffer.putLong(amount.minor()).putLong(acceptedAt.toEpochMilli());
      buffer.put(requester);
      return buffer.array();
    }

    static Claim decode(byte[] value) {
      if (value.length < FIXED_BYTES || value.length > MAX_BYTES) {
        throw new IllegalStateException("a claim is " + FIXED_BYTES + " to " + MAX_BYTES + " bytes, found " + value.length);
      }
      ByteBuffer buffer = ByteBuffer.wrap(value);
      byte flags = buffer.get();
      UUID walletId = new UUID(buffer.getLong(), buffer.getLong());
      return new Claim((flags & ACCEPTED_BIT) != 0, walletId,
          (flags & WITHDRAW_BIT) != 0 ? OperationType.WITHDRAW : OperationType.DEPOSIT,
          Money.ofMinor(buffer.getLong()), Instant.ofEpochMilli(buffer.getLong()),
          value.length == FIXED_BYTES ? null
              : new String(value, FIXED_BYTES, value.length - FIXED_BYTES, StandardCharsets.UTF_8));
    }

    public Claim asAccepted() {
      return new Claim(true, walletId, operationType, amount, acceptedAt, requestedByOther);
    }

    /** Who submitted it, given the wallet's owner. */
    public String requestedBy(String ownerId) {
      return requestedByOther != null ? requestedByOther : ownerId;
    }

    public boolean sameRequest(UUID otherWalletId, OperationType otherType, Money otherAmount) {
      return walletId.equals(otherWalletId) && operationType == otherType && amount.equals(otherAmount);
    }
  }

  private static final String DELETE_IF_EQUAL = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;

  private final Redis redis;
  private final String keyPrefix;
  private final Duration acceptingTtl;
  private final Duration acceptedTtl;

  public OperationGuard(Redis redis, String keyPrefix, Duration acceptingTtl, Duration acceptedTtl) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.acceptingTtl = acceptingTtl;
    this.acceptedTtl = acceptedTtl;
  }

  private byte[] key(UUID operationId) {
    return claimKey(keyPrefix, operationId);
  }

  /** The Redis key of an operationId's claim: the prefix, {@code o:}, and the id's 16 bytes. */
  public static byte[] claimKey(String keyPrefix, UUID operationId) {
    byte[] prefix = (keyPrefix + "o:").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(prefix.length + 16).put(prefix)
        .putLong(operationId.getMostSignificantBits()).putLong(operationId.getLeastSignificantBits()).array();
  }

  /** True when this caller now owns the id; false when someone claimed it before. */
  public Future<Boolean> tryClaim(UUID operationId, Claim claim) {
    return redis.send(Request.cmd(Command.SET).arg(key(operationId)).arg(claim.encode()).arg("NX")
            .arg("PX").arg(acceptingTtl.toMillis()))
        .map(response -> response != null);
  }

  /** The current claim on the id, or {@code null}. */
  public Future<Claim> find(UUID operationId) {
    return redis.send(Request.cmd(Command.GET).arg(key(operationId)))
        .map(response -> response == null ? null : Claim.decode(response.toBytes()));
  }

  public Future<Void> markAccepted(UUID operationId, Claim claim) {
    return redis.send(Request.cmd(Command.SET).arg(key(operationId)).arg(claim.asAccepted().encode()).arg("XX")
        .arg("PX").arg(acceptedTtl.toMillis())).mapEmpty();
  }

  /** Gives the id back after a failed produce, only if the claim is still the caller's own. */
  public Future<Void> release(UUID operationId, Claim claim) {
    return redis.send(Request.cmd(Command.EVAL).arg(DELETE_IF_EQUAL).arg(1).arg(key(operationId))
        .arg(claim.encode())).mapEmpty();
  }
}
