package io.walletplatform.wallet.redis;

import io.walletplatform.common.wallet.OperationStatus;
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
 * repeated submissions of one id are told apart from new ones without touching PostgreSQL. A claim
 * is written once, for the idempotency window (#33: one Redis command per operation, not a claim
 * and a mark). It does not say whether its record reached the log: while it is younger than the
 * producing window the record may still be in flight; after that it either landed or never will
 * (its accepter failed or died). So a replay never waits on a claim: it produces the record again
 * (the worker applies an operationId at most once), and a GET of an old claim the worker has not
 * applied asks whether the worker has caught up before it answers PENDING or 404.
 *
 * <p>Claims are what fills Redis (one per accepted operation for the whole window), so they are
 * binary and small: the key is the prefix, {@code o:} and the 16 bytes of the operationId; the value
 * is 33 bytes (flags and type, wallet id, amount, acceptedAt), short enough for Redis's embedded
 * string encoding. Who submitted it is the wallet's owner, not stored, except when an admin submitted
 * it for someone else's wallet: then the admin's sub follows, in UTF-8. An operation with metadata
 * carries it too (its JSON, after a two-byte length, before the sub): only those pay for it. Redis evicts them under memory pressure ({@code allkeys-lru}), which only narrows
 * the window: PostgreSQL's unique operationId is what guarantees at most once.
 */
public final class OperationGuard {

  /**
   * What a claim holds: the request's fingerprint (wallet, type, amount, and the transfer's
   * destination or the hold a CAPTURE or VOID names), a HOLD's expiresAt, when it was accepted, who
   * submitted it when that was not the wallet's owner ({@code null}: the owner), and the metadata
   * attached ({@code null}: none; part of the fingerprint).
   */
  public record Claim(UUID walletId, OperationType operationType, Money amount,
                      Instant acceptedAt, String requestedByOther, UUID relatedId, Instant expiresAt,
                      io.vertx.core.json.JsonObject metadata) {

    private static final int FIXED_BYTES = 33;
    /**
     * Bits 1 to 3: the type's ordinal (DEPOSIT 0, WITHDRAW 1: the encoding before the other types existed).
     * Bit 0 was "marked accepted" until claims were written once (#33); claims written before still carry
     * it, and it is ignored.
     */
    private static final int TYPE_SHIFT = 1;
    private static final int TYPE_MASK = 0b1110;
    private static final int RELATED_BIT = 16;
    private static final int EXPIRES_BIT = 32;
    private static final int METADATA_BIT = 64;
    /** Metadata as JSON: 20 members of 40 + 500 characters, each up to 3 bytes in UTF-8 and escaped. */
    private static final int MAX_METADATA_BYTES = 65_535;
    private static final int MAX_BYTES = FIXED_BYTES + 16 + 8 + 2 + MAX_METADATA_BYTES + 4 * 255;
    private static final OperationType[] TYPES = OperationType.values();

    /** A DEPOSIT or WITHDRAW. */
    public Claim(UUID walletId, OperationType operationType, Money amount, Instant acceptedAt,
                 String requestedByOther) {
      this(walletId, operationType, amount, acceptedAt, requestedByOther, null, null, null);
    }

    /** The operation as it stands until operation-worker has applied it. */
    public io.walletplatform.common.wallet.OperationView pending(UUID operationId, String requestedBy,
                                                                 io.walletplatform.common.money.Asset asset) {
      return new io.walletplatform.common.wallet.OperationView(operationId, walletId, operationType, amount, OperationStatus.PENDING,
          null, null, acceptedAt, null, requestedBy, toWalletId(), null, holdId(), expiresAt, null, asset, null,
          metadata);
    }

    byte[] encode() {
      byte[] requester = requestedByOther == null ? new byte[0] : requestedByOther.getBytes(StandardCharsets.UTF_8);
      byte[] attached = metadata == null ? null : metadata.encode().getBytes(StandardCharsets.UTF_8);
      if (attached != null && attached.length > MAX_METADATA_BYTES) {
        throw new IllegalStateException("metadata of " + attached.length + " bytes");
      }
      ByteBuffer buffer = ByteBuffer.allocate(FIXED_BYTES + (relatedId == null ? 0 : 16)
          + (expiresAt == null ? 0 : 8) + (attached == null ? 0 : 2 + attached.length) + requester.length);
      buffer.put((byte) ((operationType.ordinal() << TYPE_SHIFT)
          | (relatedId == null ? 0 : RELATED_BIT) | (expiresAt == null ? 0 : EXPIRES_BIT)
          | (attached == null ? 0 : METADATA_BIT)));
      buffer.putLong(walletId.getMostSignificantBits()).putLong(walletId.getLeastSignificantBits());
      buffer.putLong(amount.minor()).putLong(acceptedAt.toEpochMilli());
      if (relatedId != null) {
        buffer.putLong(relatedId.getMostSignificantBits()).putLong(relatedId.getLeastSignificantBits());
      }
      if (expiresAt != null) {
        buffer.putLong(expiresAt.toEpochMilli());
      }
      if (attached != null) {
        buffer.putShort((short) attached.length).put(attached);
      }
      buffer.put(requester);
      return buffer.array();
    }

    static Claim decode(byte[] value) {
      if (value.length < FIXED_BYTES || value.length > MAX_BYTES) {
        throw new IllegalStateException("a claim is " + FIXED_BYTES + " to " + MAX_BYTES + " bytes, found " + value.length);
      }
      ByteBuffer buffer = ByteBuffer.wrap(value);
      byte flags = buffer.get();
      int ordinal = (flags & TYPE_MASK) >> TYPE_SHIFT;
      if (ordinal >= TYPES.length) {
        throw new IllegalStateException("a claim names operation type " + ordinal);
      }
      UUID walletId = new UUID(buffer.getLong(), buffer.getLong());
      Money amount = Money.ofMinor(buffer.getLong());
      Instant acceptedAt = Instant.ofEpochMilli(buffer.getLong());
      UUID relatedId = (flags & RELATED_BIT) != 0 ? new UUID(buffer.getLong(), buffer.getLong()) : null;
      Instant expiresAt = (flags & EXPIRES_BIT) != 0 ? Instant.ofEpochMilli(buffer.getLong()) : null;
      io.vertx.core.json.JsonObject metadata = null;
      if ((flags & METADATA_BIT) != 0) {
        int length = Short.toUnsignedInt(buffer.getShort());
        metadata = new io.vertx.core.json.JsonObject(new String(value, buffer.position(), length, StandardCharsets.UTF_8));
        buffer.position(buffer.position() + length);
      }
      int rest = buffer.remaining();
      return new Claim(walletId, TYPES[ordinal], amount, acceptedAt,
          rest == 0 ? null : new String(value, buffer.position(), rest, StandardCharsets.UTF_8), relatedId, expiresAt,
          metadata);
    }

    /** Who submitted it, given the wallet's owner. */
    public String requestedBy(String ownerId) {
      return requestedByOther != null ? requestedByOther : ownerId;
    }

    public UUID toWalletId() {
      return operationType == OperationType.TRANSFER ? relatedId : null;
    }

    public UUID holdId() {
      return operationType.settlesHold() ? relatedId : null;
    }

    /**
     * The same operation: a VOID has no amount of its own (the one it records is what it released);
     * other metadata makes another request.
     */
    public boolean sameRequest(UUID otherWalletId, OperationType otherType, Money otherAmount, UUID otherToWalletId,
                               UUID otherHoldId, io.vertx.core.json.JsonObject otherMetadata) {
      return walletId.equals(otherWalletId) && operationType == otherType
          && (operationType == OperationType.VOID || amount.equals(otherAmount))
          && java.util.Objects.equals(toWalletId(), otherToWalletId) && java.util.Objects.equals(holdId(), otherHoldId)
          && io.walletplatform.common.json.Metadata.same(metadata, otherMetadata);
    }

    /** The same operation as {@code other}. */
    public boolean sameRequest(Claim other) {
      return sameRequest(other.walletId, other.operationType, other.amount, other.toWalletId(), other.holdId(),
          other.metadata);
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
  private final Duration producingWindow;
  private final Duration ttl;

  /**
   * @param producingWindow how long after its acceptedAt a claim's record may still be on its way to
   *                        the log (the producer's send timeout and a margin)
   * @param ttl             how long a claim is kept: the idempotency window
   */
  public OperationGuard(Redis redis, String keyPrefix, Duration producingWindow, Duration ttl) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.producingWindow = producingWindow;
    this.ttl = ttl;
  }

  /**
   * True while the claim's record may still be on its way to the log: it was claimed less than the
   * producing window ago (by this process's clock, which wrote it, or another wallet-api's).
   */
  public boolean mayBeProducing(Claim claim) {
    return claim.acceptedAt().toEpochMilli() + producingWindow.toMillis() > System.currentTimeMillis();
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
            .arg("PX").arg(ttl.toMillis()))
        .map(response -> response != null);
  }

  /** The current claim on the id, or {@code null}. */
  public Future<Claim> find(UUID operationId) {
    return redis.send(Request.cmd(Command.GET).arg(key(operationId)))
        .map(response -> response == null ? null : Claim.decode(response.toBytes()));
  }

  /** Gives the id back after a failed produce, only if the claim is still the caller's own. */
  public Future<Void> release(UUID operationId, Claim claim) {
    return redis.send(Request.cmd(Command.EVAL).arg(DELETE_IF_EQUAL).arg(1).arg(key(operationId))
        .arg(claim.encode())).mapEmpty();
  }
}
