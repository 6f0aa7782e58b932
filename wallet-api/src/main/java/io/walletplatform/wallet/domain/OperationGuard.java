package io.walletplatform.wallet.domain;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Claims an operationId in Redis ({@code SET NX}) before it is produced, so that concurrent and
 * repeated submissions of one id are told apart from new ones without touching PostgreSQL.
 * A claim is ACCEPTING while its record is being produced (short expiry: a crashed accepter
 * frees it) and ACCEPTED once the broker acknowledged it (kept for the guard TTL).
 */
public final class OperationGuard {

  /** What a claim holds: the request's fingerprint, when it was accepted, and how far it got. */
  public record Claim(boolean accepted, UUID walletId, OperationType operationType, Money amount,
                      Instant acceptedAt) {

    String encode() {
      return (accepted ? "ACCEPTED" : "ACCEPTING") + "|" + walletId + "|" + operationType + "|" + amount.minor()
          + "|" + acceptedAt.toEpochMilli();
    }

    static Claim decode(String value) {
      String[] parts = value.split("\\|");
      return new Claim("ACCEPTED".equals(parts[0]), UUID.fromString(parts[1]), OperationType.valueOf(parts[2]),
          Money.ofMinor(Long.parseLong(parts[3])), Instant.ofEpochMilli(Long.parseLong(parts[4])));
    }

    public Claim asAccepted() {
      return new Claim(true, walletId, operationType, amount, acceptedAt);
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

  private String key(UUID operationId) {
    return keyPrefix + "op:" + operationId;
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
        .map(response -> response == null ? null : Claim.decode(response.toString()));
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
