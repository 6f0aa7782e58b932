package io.walletplatform.worker.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.worker.domain.AppliedOperation;
import io.walletplatform.worker.domain.PendingOperation;
import io.walletplatform.worker.domain.WalletLedger.Fingerprint;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Wallet rows and operation rows for the worker; each method is one statement, whatever the batch size. */
public final class LedgerRepository {

  /** Locks the wallets that exist among the ids and returns them by id. */
  public Future<Map<UUID, WalletSnapshot>> lockWallets(SqlClient tx, Collection<UUID> walletIds) {
    return tx.preparedQuery(LedgerSql.LOCK_WALLETS)
        .execute(Tuple.of(walletIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, WalletSnapshot> wallets = new HashMap<>();
          for (Row row : rows) {
            WalletSnapshot wallet = toSnapshot(row);
            wallets.put(wallet.walletId(), wallet);
          }
          return wallets;
        });
  }

  /** The operations among the ids that were applied before, with what they were. */
  public Future<Map<UUID, Fingerprint>> findApplied(SqlClient tx, Collection<UUID> operationIds) {
    return tx.preparedQuery(LedgerSql.FIND_APPLIED)
        .execute(Tuple.of(operationIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, Fingerprint> applied = new HashMap<>();
          rows.forEach(row -> applied.put(row.getUUID("operation_id"), new Fingerprint(row.getUUID("wallet_id"),
              OperationType.valueOf(row.getString("operation_type")), Money.ofMinor(row.getLong("amount_minor")))));
          return applied;
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
    OffsetDateTime[] acceptedAt = new OffsetDateTime[size];
    Integer[] partitions = new Integer[size];
    Long[] offsets = new Long[size];
    String[] requesters = new String[size];
    for (int i = 0; i < size; i++) {
      AppliedOperation applied = operations.get(i);
      WalletOperationEvent event = applied.pending().event();
      operationIds[i] = event.operationId();
      walletIds[i] = event.walletId();
      types[i] = event.operationType().name();
      amounts[i] = event.amount().minor();
      statuses[i] = applied.status();
      reasons[i] = applied.failureReason();
      balancesAfter[i] = applied.balanceAfter() == null ? null : applied.balanceAfter().minor();
      acceptedAt[i] = event.acceptedAt().atOffset(ZoneOffset.UTC);
      partitions[i] = applied.pending().partition();
      offsets[i] = applied.pending().offset();
      requesters[i] = event.requestedBy();
    }
    return tx.preparedQuery(LedgerSql.INSERT_OPERATIONS)
        .execute(Tuple.wrap(new Object[] {operationIds, walletIds, types, amounts, statuses, reasons, balancesAfter,
            acceptedAt, partitions, offsets, requesters}))
        .mapEmpty();
  }

  public Future<Void> insertProcessingFailed(SqlClient client, PendingOperation pending) {
    WalletOperationEvent event = pending.event();
    return client.preparedQuery(LedgerSql.INSERT_PROCESSING_FAILED)
        .execute(Tuple.from(new Object[] {event.operationId(), event.walletId(), event.operationType().name(),
            event.amount().minor(), event.acceptedAt().atOffset(ZoneOffset.UTC), pending.partition(), pending.offset(),
            event.requestedBy()}))
        .mapEmpty();
  }

  /** Writes the new balances and versions; returns the rows as committed, for the cache. */
  public Future<List<WalletSnapshot>> updateWallets(SqlClient tx, Collection<WalletSnapshot> wallets) {
    if (wallets.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    UUID[] ids = new UUID[wallets.size()];
    Long[] balances = new Long[wallets.size()];
    Long[] versions = new Long[wallets.size()];
    int i = 0;
    for (WalletSnapshot wallet : wallets) {
      ids[i] = wallet.walletId();
      balances[i] = wallet.balance().minor();
      versions[i] = wallet.version();
      i++;
    }
    return tx.preparedQuery(LedgerSql.UPDATE_WALLETS)
        .execute(Tuple.of(ids, balances, versions))
        .map(rows -> {
          List<WalletSnapshot> updated = new ArrayList<>(rows.size());
          rows.forEach(row -> updated.add(toSnapshot(row)));
          return updated;
        });
  }

  private static WalletSnapshot toSnapshot(Row row) {
    return new WalletSnapshot(row.getUUID("wallet_id"), Money.ofMinor(row.getLong("balance_minor")),
        row.getLong("version"), row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }
}
