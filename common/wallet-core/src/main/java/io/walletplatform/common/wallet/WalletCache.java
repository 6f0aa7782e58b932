package io.walletplatform.common.wallet;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Wallet balances cached in Redis, one hash per wallet. Writers race (API fallbacks, several
 * workers), so every write goes through a script that keeps the entry only if its version is
 * newer: an older snapshot can never overwrite a newer one. Entries expire, which bounds how long
 * a cache that missed an update can be stale.
 */
public final class WalletCache {

  private static final String PUT_IF_NEWER = """
      local current = redis.call('HGET', KEYS[1], 'version')
      if current and tonumber(current) >= tonumber(ARGV[1]) then
        return 0
      end
      redis.call('HSET', KEYS[1], 'version', ARGV[1], 'balance', ARGV[2], 'createdAt', ARGV[3], 'updatedAt', ARGV[4],
                 'held', ARGV[6], 'asset', ARGV[7], 'precision', ARGV[8], 'creditLimit', ARGV[9])
      redis.call('PEXPIRE', KEYS[1], ARGV[5])
      return 1
      """;

  private final Redis redis;
  private final String keyPrefix;
  private final Duration ttl;

  public WalletCache(Redis redis, String keyPrefix, Duration ttl) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.ttl = ttl;
  }

  public String key(UUID walletId) {
    return keyPrefix + "wallet:" + walletId;
  }

  /** The cached snapshot, or {@code null} when there is none. */
  public Future<WalletSnapshot> get(UUID walletId) {
    return redis.send(getRequest(walletId)).map(response -> snapshot(walletId, response));
  }

  /** The cached snapshots of the wallets, in one round trip: an entry per wallet, {@code null} where there is none. */
  public Future<List<WalletSnapshot>> getAll(List<UUID> walletIds) {
    if (walletIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Request> requests = new ArrayList<>(walletIds.size());
    walletIds.forEach(walletId -> requests.add(getRequest(walletId)));
    return redis.batch(requests).map(responses -> {
      List<WalletSnapshot> snapshots = new ArrayList<>(walletIds.size());
      for (int i = 0; i < walletIds.size(); i++) {
        snapshots.add(snapshot(walletIds.get(i), responses.get(i)));
      }
      return snapshots;
    });
  }

  private Request getRequest(UUID walletId) {
    return Request.cmd(Command.HMGET).arg(key(walletId)).arg("version").arg("balance")
        .arg("createdAt").arg("updatedAt").arg("held").arg("asset").arg("precision").arg("creditLimit");
  }

  private static WalletSnapshot snapshot(UUID walletId, Response response) {
    // An entry written before assets existed is a miss: PostgreSQL has what it lacks.
    if (response == null || response.size() < 8 || response.get(0) == null || response.get(1) == null
        || response.get(4) == null || response.get(5) == null || response.get(6) == null
        || response.get(7) == null) {
      return null;
    }
    return new WalletSnapshot(walletId, Money.ofMinor(response.get(1).toLong()),
        Money.ofMinor(response.get(4).toLong()), response.get(0).toLong(),
        Instant.ofEpochMilli(response.get(2).toLong()), Instant.ofEpochMilli(response.get(3).toLong()),
        new Asset(response.get(5).toString(), response.get(6).toInteger()),
        Money.ofMinor(response.get(7).toLong()));
  }

  public Future<Boolean> exists(UUID walletId) {
    return redis.send(Request.cmd(Command.EXISTS).arg(key(walletId))).map(response -> response.toInteger() > 0);
  }

  public Future<Void> put(WalletSnapshot snapshot) {
    return redis.send(putRequest(snapshot)).mapEmpty();
  }

  /** Writes every snapshot in one round trip. */
  public Future<Void> putAll(List<WalletSnapshot> snapshots) {
    if (snapshots.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> requests = new ArrayList<>(snapshots.size());
    for (WalletSnapshot snapshot : snapshots) {
      requests.add(putRequest(snapshot));
    }
    return redis.batch(requests).mapEmpty();
  }

  private Request putRequest(WalletSnapshot snapshot) {
    return Request.cmd(Command.EVAL).arg(PUT_IF_NEWER).arg(1).arg(key(snapshot.walletId()))
        .arg(snapshot.version())
        .arg(snapshot.balance().minor())
        .arg(snapshot.createdAt().toEpochMilli())
        .arg(snapshot.updatedAt().toEpochMilli())
        .arg(ttl.toMillis())
        .arg(snapshot.held().minor())
        .arg(snapshot.asset().code())
        .arg(snapshot.asset().precision())
        .arg(snapshot.creditLimit().minor());
  }

  /** A health probe: Redis answers PING. */
  public static Future<Response> ping(Redis redis) {
    return redis.send(Request.cmd(Command.PING));
  }
}
