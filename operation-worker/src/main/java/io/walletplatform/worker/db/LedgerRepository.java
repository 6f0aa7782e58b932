package io.walletplatform.worker.db;

import io.walletplatform.common.db.SqlStates;
import io.walletplatform.common.util.Enums;
import io.walletplatform.worker.domain.InvariantViolation;
import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.BalanceMonitor;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.worker.domain.AppliedOperation;
import io.walletplatform.worker.domain.Hold;
import io.walletplatform.worker.domain.PendingOperation;
import io.walletplatform.worker.domain.Fingerprint;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Wallet rows and operation rows for the worker; each method is one statement, whatever the batch size. */
public final class LedgerRepository {

  /**
   * The wallets a batch locked, by id, their owners (the principals their events are for), and those
   * that have balance monitors.
   */
  public record Locked(Map<UUID, WalletSnapshot> wallets, Map<UUID, String> owners, Set<UUID> monitored) {
  }

  /** Locks the wallets that exist among the ids and returns them by id. */
  public Future<Locked> lockWallets(SqlClient tx, Collection<UUID> walletIds) {
    return tx.preparedQuery(LedgerSql.LOCK_WALLETS)
        .execute(Tuple.of(walletIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, WalletSnapshot> wallets = new HashMap<>();
          Map<UUID, String> owners = new HashMap<>();
          Set<UUID> monitored = new HashSet<>();
          for (Row row : rows) {
            WalletSnapshot wallet = toSnapshot(row);
            wallets.put(wallet.walletId(), wallet);
            String owner = row.getString("owner_id");
            if (owner != null) {
              owners.put(wallet.walletId(), owner);
            }
            if (row.getInteger("monitors") > 0) {
              monitored.add(wallet.walletId());
            }
          }
          return new Locked(wallets, owners, monitored);
        });
  }

  /** The balance monitors of these (locked) wallets. */
  public Future<List<BalanceMonitor>> findMonitors(SqlClient tx, Collection<UUID> walletIds) {
    return tx.preparedQuery(LedgerSql.FIND_MONITORS).execute(Tuple.of(walletIds.toArray(UUID[]::new)))
        .map(rows -> {
          List<BalanceMonitor> monitors = new ArrayList<>(rows.size());
          rows.forEach(row -> monitors.add(BalanceMonitor.of(row)));
          return monitors;
        });
  }

  /** Records whether each monitor's condition holds now. */
  public Future<Void> setTriggered(SqlClient tx, List<BalanceMonitor> monitors) {
    return tx.preparedQuery(LedgerSql.SET_TRIGGERED).execute(Tuple.tuple()
            .addArrayOfUUID(monitors.stream().map(BalanceMonitor::monitorId).toArray(UUID[]::new))
            .addArrayOfBoolean(monitors.stream().map(BalanceMonitor::triggered).toArray(Boolean[]::new)))
        .mapEmpty();
  }

  /** When the batch that wrote the operation was processed (all of a batch's rows share it). */
  public Future<java.time.Instant> processedAt(SqlClient tx, UUID operationId) {
    return tx.preparedQuery(LedgerSql.PROCESSED_AT).execute(Tuple.of(operationId))
        .map(rows -> rows.iterator().next().getOffsetDateTime("processed_at").toInstant());
  }

  /**
   * Whether a batch's insert failed because one of its operations was recorded before (its operationId's
   * unique constraint): the transaction rolled back, and the batch must be decided again knowing which.
   */
  public static boolean isRecordedBefore(Throwable error) {
    return SqlStates.isUniqueViolation(error)
        && LedgerSql.OPERATION_ID_UNIQUE.equals(((PgException) error).getConstraint());
  }

  /** The operations among the ids that were applied before, with what they were. */
  public Future<Map<UUID, Fingerprint>> findApplied(SqlClient tx, Collection<UUID> operationIds) {
    return tx.preparedQuery(LedgerSql.FIND_APPLIED)
        .execute(Tuple.of(operationIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, Fingerprint> applied = new HashMap<>();
          rows.forEach(row -> applied.put(row.getUUID("operation_id"), Fingerprint.of(row.getUUID("wallet_id"),
              OperationType.valueOf(row.getString("operation_type")), Money.ofMinor(row.getLong("amount_minor")),
              row.getUUID("to_wallet_id"), row.getUUID("hold_id"), row.getJsonObject("metadata"))));
          return applied;
        });
  }

  /** The stored holds among the ids, by id; nothing is read when there are none. */
  public Future<Map<UUID, Hold>> findHolds(SqlClient tx, List<UUID> holdIds) {
    if (holdIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(LedgerSql.FIND_HOLDS)
        .execute(Tuple.of(holdIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, Hold> holds = new HashMap<>();
          rows.forEach(row -> holds.put(row.getUUID("hold_id"), new Hold(row.getUUID("hold_id"),
              row.getUUID("wallet_id"), Money.ofMinor(row.getLong("amount_minor")), HoldStatus.valueOf(row.getString("status")),
              row.getOffsetDateTime("expires_at").toInstant(), row.getOffsetDateTime("created_at").toInstant(),
              row.getUUID("settled_by"), true)));
          return holds;
        });
  }

  /** Inserts the holds created by the batch and settles the stored ones it settled; fails if one was not ACTIVE. */
  public Future<Void> writeHolds(SqlClient tx, List<Hold> holds) {
    List<Hold> created = holds.stream().filter(hold -> !hold.stored()).toList();
    List<Hold> settled = holds.stream().filter(Hold::stored).toList();
    Future<Void> inserted = Future.succeededFuture();
    if (!created.isEmpty()) {
      int size = created.size();
      UUID[] ids = new UUID[size];
      UUID[] walletIds = new UUID[size];
      Long[] amounts = new Long[size];
      String[] statuses = new String[size];
      OffsetDateTime[] expiresAt = new OffsetDateTime[size];
      OffsetDateTime[] createdAt = new OffsetDateTime[size];
      UUID[] settledBy = new UUID[size];
      for (int i = 0; i < size; i++) {
        Hold hold = created.get(i);
        ids[i] = hold.holdId();
        walletIds[i] = hold.walletId();
        amounts[i] = hold.amount().minor();
        statuses[i] = hold.status().name();
        expiresAt[i] = hold.expiresAt().atOffset(ZoneOffset.UTC);
        createdAt[i] = hold.createdAt().atOffset(ZoneOffset.UTC);
        settledBy[i] = hold.settledBy();
      }
      inserted = tx.preparedQuery(LedgerSql.INSERT_HOLDS)
          .execute(Tuple.wrap(new Object[] {ids, walletIds, amounts, statuses, expiresAt, createdAt, settledBy}))
          .mapEmpty();
    }
    if (settled.isEmpty()) {
      return inserted;
    }
    UUID[] ids = settled.stream().map(Hold::holdId).toArray(UUID[]::new);
    String[] statuses = settled.stream().map(hold -> hold.status().name()).toArray(String[]::new);
    UUID[] settledBy = settled.stream().map(Hold::settledBy).toArray(UUID[]::new);
    return inserted.compose(ignored -> tx.preparedQuery(LedgerSql.SETTLE_HOLDS).execute(Tuple.of(ids, statuses, settledBy)))
        .compose(rows -> rows.rowCount() == ids.length ? Future.<Void>succeededFuture()
            : Future.failedFuture(new InvariantViolation("settled " + rows.rowCount() + " of "
                + ids.length + " holds: a hold was settled twice")));
  }

  /** The wallets among the ids whose held amount is not the sum of their ACTIVE holds (none, unless a bug). */
  public Future<List<UUID>> walletsWithUnbalancedHolds(SqlClient tx, Collection<UUID> walletIds) {
    if (walletIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery(LedgerSql.UNBALANCED_HOLDS)
        .execute(Tuple.of(walletIds.toArray(UUID[]::new)))
        .map(rows -> {
          List<UUID> unbalanced = new ArrayList<>();
          rows.forEach(row -> unbalanced.add(row.getUUID("wallet_id")));
          return unbalanced;
        });
  }

  /** Up to {@code limit} ACTIVE holds past their expiresAt: hold id to wallet id. */
  public Future<Map<UUID, UUID>> expiredHolds(SqlClient client, int limit) {
    return client.preparedQuery(LedgerSql.EXPIRED_HOLDS)
        .execute(Tuple.of(limit))
        .map(rows -> {
          Map<UUID, UUID> expired = new java.util.LinkedHashMap<>();
          rows.forEach(row -> expired.put(row.getUUID("hold_id"), row.getUUID("wallet_id")));
          return expired;
        });
  }

  /** Records operationIds reused with other content; a redelivered record is absorbed. */
  public Future<Void> insertReuses(SqlClient tx, List<PendingOperation> reuses) {
    if (reuses.isEmpty()) {
      return Future.succeededFuture();
    }
    int size = reuses.size();
    UUID[] operationIds = new UUID[size];
    Integer[] partitions = new Integer[size];
    Long[] offsets = new Long[size];
    UUID[] walletIds = new UUID[size];
    String[] types = new String[size];
    Long[] amounts = new Long[size];
    OffsetDateTime[] acceptedAt = new OffsetDateTime[size];
    String[] requesters = new String[size];
    for (int i = 0; i < size; i++) {
      PendingOperation pending = reuses.get(i);
      WalletOperationEvent event = pending.event();
      operationIds[i] = event.operationId();
      partitions[i] = pending.partition();
      offsets[i] = pending.offset();
      walletIds[i] = event.walletId();
      types[i] = event.operationType().name();
      amounts[i] = event.amount().minor();
      acceptedAt[i] = event.acceptedAt().atOffset(ZoneOffset.UTC);
      requesters[i] = event.requestedBy();
    }
    return tx.preparedQuery(LedgerSql.INSERT_REUSES)
        .execute(Tuple.wrap(new Object[] {operationIds, partitions, offsets, walletIds, types, amounts, acceptedAt,
            requesters}))
        .mapEmpty();
  }

  public Future<Void> insertOperations(SqlClient tx, List<AppliedOperation> operations) {
    if (operations.isEmpty()) {
      return Future.succeededFuture();
    }
    int size = operations.size();
    UUID[] operationIds = new UUID[size];
    UUID[] walletIds = new UUID[size];
    String[] types = new String[size];
    Long[] amounts = new Long[size];
    String[] statuses = new String[size];
    String[] reasons = new String[size];
    Long[] balancesAfter = new Long[size];
    Long[] heldAfter = new Long[size];
    Long[] versionsAfter = new Long[size];
    OffsetDateTime[] acceptedAt = new OffsetDateTime[size];
    Integer[] partitions = new Integer[size];
    Long[] offsets = new Long[size];
    String[] requesters = new String[size];
    UUID[] toWalletIds = new UUID[size];
    UUID[] holdIds = new UUID[size];
    OffsetDateTime[] expiresAt = new OffsetDateTime[size];
    Long[] toBalancesAfter = new Long[size];
    Long[] toHeldAfter = new Long[size];
    Long[] toVersionsAfter = new Long[size];
    String[] metadata = new String[size];
    for (int i = 0; i < size; i++) {
      AppliedOperation applied = operations.get(i);
      WalletOperationEvent event = applied.pending().event();
      operationIds[i] = event.operationId();
      walletIds[i] = event.walletId();
      types[i] = event.operationType().name();
      amounts[i] = applied.amount().minor();
      statuses[i] = applied.status().name();
      reasons[i] = Enums.name(applied.failureReason());
      WalletSnapshot after = applied.after();
      if (after != null) {
        balancesAfter[i] = after.balance().minor();
        heldAfter[i] = after.held().minor();
        versionsAfter[i] = after.version();
      }
      acceptedAt[i] = event.acceptedAt().atOffset(ZoneOffset.UTC);
      partitions[i] = applied.pending().partition();
      offsets[i] = applied.pending().offset();
      requesters[i] = event.requestedBy();
      toWalletIds[i] = event.toWalletId();
      holdIds[i] = event.holdId();
      expiresAt[i] = event.expiresAt() == null ? null : event.expiresAt().atOffset(ZoneOffset.UTC);
      WalletSnapshot toAfter = applied.toAfter();
      if (toAfter != null) {
        toBalancesAfter[i] = toAfter.balance().minor();
        toHeldAfter[i] = toAfter.held().minor();
        toVersionsAfter[i] = toAfter.version();
      }
      metadata[i] = event.metadata() == null ? null : event.metadata().encode();
    }
    return tx.preparedQuery(LedgerSql.INSERT_OPERATIONS)
        .execute(Tuple.wrap(new Object[] {operationIds, walletIds, types, amounts, statuses, reasons, balancesAfter,
            heldAfter, versionsAfter, acceptedAt, partitions, offsets, requesters, toWalletIds, holdIds, expiresAt,
            toBalancesAfter, toHeldAfter, toVersionsAfter, metadata}))
        .mapEmpty();
  }

  /** The owners of the wallets (those that have one) and the assets of all of them. */
  public record Owners(Map<UUID, String> owners, Map<UUID, Asset> assets) {
  }

  /** The owners of the wallets among the ids that have one, and their assets. */
  public Future<Owners> owners(SqlClient client, Collection<UUID> walletIds) {
    return client.preparedQuery(LedgerSql.OWNERS).execute(Tuple.of(walletIds.toArray(UUID[]::new))).map(rows -> {
      Map<UUID, String> owners = new HashMap<>();
      Map<UUID, Asset> assets = new HashMap<>();
      rows.forEach(row -> {
        if (row.getString("owner_id") != null) {
          owners.put(row.getUUID("wallet_id"), row.getString("owner_id"));
        }
        assets.put(row.getUUID("wallet_id"), new Asset(row.getString("asset"), row.getInteger("precision")));
      });
      return new Owners(owners, assets);
    });
  }

  /** Whether the row was written (false: the operation was recorded before, applied or not). */
  public Future<Boolean> insertProcessingFailed(SqlClient client, PendingOperation pending) {
    WalletOperationEvent event = pending.event();
    return client.preparedQuery(LedgerSql.INSERT_PROCESSING_FAILED)
        .execute(Tuple.from(new Object[] {event.operationId(), event.walletId(), event.operationType().name(),
            event.amount().minor(), event.acceptedAt().atOffset(ZoneOffset.UTC), pending.partition(), pending.offset(),
            event.requestedBy(), event.toWalletId(), event.holdId(),
            event.expiresAt() == null ? null : event.expiresAt().atOffset(ZoneOffset.UTC),
            event.metadata()}))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Writes the new balances and versions; returns the rows as committed, for the cache. */
  public Future<List<WalletSnapshot>> updateWallets(SqlClient tx, Collection<WalletSnapshot> wallets) {
    if (wallets.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    UUID[] ids = new UUID[wallets.size()];
    Long[] balances = new Long[wallets.size()];
    Long[] held = new Long[wallets.size()];
    Long[] versions = new Long[wallets.size()];
    int i = 0;
    for (WalletSnapshot wallet : wallets) {
      ids[i] = wallet.walletId();
      balances[i] = wallet.balance().minor();
      held[i] = wallet.held().minor();
      versions[i] = wallet.version();
      i++;
    }
    return tx.preparedQuery(LedgerSql.UPDATE_WALLETS)
        .execute(Tuple.of(ids, balances, held, versions))
        .map(rows -> {
          List<WalletSnapshot> updated = new ArrayList<>(rows.size());
          rows.forEach(row -> updated.add(toSnapshot(row)));
          return updated;
        });
  }

  private static WalletSnapshot toSnapshot(Row row) {
    return new WalletSnapshot(row.getUUID("wallet_id"), Money.ofMinor(row.getLong("balance_minor")),
        Money.ofMinor(row.getLong("held_minor")), row.getLong("version"), row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant(), new Asset(row.getString("asset"), row.getInteger("precision")),
        Money.ofMinor(row.getLong("credit_limit_minor")));
  }
}
