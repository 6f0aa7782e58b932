package io.walletplatform.wallet.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.BalanceMonitor;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Balance monitors, and the count of them on the wallet row ({@code wallets.monitors}) that tells the
 * worker which wallets have any: both change in one transaction under the wallet's row lock.
 */
public final class MonitorRepository {

  /** The wallet's balance and held amount, locked, with how many monitors it has. */
  public record LockedWallet(Money balance, Money held, int monitors) {
  }

  private static final String LOCK_WALLET = """
      SELECT balance_minor, held_minor, monitors FROM wallets WHERE wallet_id = $1 FOR UPDATE""";
  private static final String INSERT = """
      INSERT INTO wallet_monitors (monitor_id, wallet_id, field, operator, value_minor, metadata, triggered, created_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      RETURNING created_at""";
  private static final String COUNT_UP = "UPDATE wallets SET monitors = monitors + 1 WHERE wallet_id = $1";
  private static final String DELETE = """
      WITH gone AS (DELETE FROM wallet_monitors WHERE monitor_id = $1 AND wallet_id = $2 RETURNING wallet_id)
      UPDATE wallets SET monitors = monitors - 1 WHERE wallet_id IN (SELECT wallet_id FROM gone)""";
  private static final String LIST = """
      SELECT monitor_id, wallet_id, field, operator, value_minor, metadata, triggered, created_at
        FROM wallet_monitors WHERE wallet_id = $1 ORDER BY created_at, monitor_id""";

  public Future<LockedWallet> lockWallet(SqlClient tx, UUID walletId) {
    return tx.preparedQuery(LOCK_WALLET).execute(Tuple.of(walletId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new LockedWallet(Money.ofMinor(row.getLong("balance_minor")), Money.ofMinor(row.getLong("held_minor")),
          row.getInteger("monitors"));
    });
  }

  /** Inserts the monitor and counts it on its wallet (which the caller locked); returns it as stored. */
  public Future<BalanceMonitor> insert(SqlClient tx, BalanceMonitor monitor, String createdBy) {
    return tx.preparedQuery(INSERT).execute(Tuple.from(java.util.Arrays.asList(monitor.monitorId(),
            monitor.walletId(), monitor.field().text(), monitor.operator().text(), monitor.value().minor(),
            monitor.metadata(), monitor.triggered(), createdBy)))
        .compose(rows -> tx.preparedQuery(COUNT_UP).execute(Tuple.of(monitor.walletId()))
            .map(counted -> new BalanceMonitor(monitor.monitorId(), monitor.walletId(), monitor.field(),
                monitor.operator(), monitor.value(), monitor.metadata(), monitor.triggered(),
                rows.iterator().next().getOffsetDateTime("created_at").toInstant())));
  }

  /** Deletes the wallet's monitor; false when it has no such monitor. */
  public Future<Boolean> delete(SqlClient client, UUID walletId, UUID monitorId) {
    return client.preparedQuery(DELETE).execute(Tuple.of(monitorId, walletId)).map(rows -> rows.rowCount() == 1);
  }

  public Future<List<BalanceMonitor>> list(SqlClient client, UUID walletId) {
    return client.preparedQuery(LIST).execute(Tuple.of(walletId)).map(rows -> {
      List<BalanceMonitor> monitors = new ArrayList<>();
      rows.forEach(row -> monitors.add(BalanceMonitor.of(row)));
      return monitors;
    });
  }
}
