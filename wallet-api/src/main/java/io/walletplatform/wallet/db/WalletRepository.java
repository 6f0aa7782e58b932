package io.walletplatform.wallet.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.wallet.domain.OperationView;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Wallet rows and applied operations, read and written through the caller's {@link SqlClient}. */
public final class WalletRepository {

  /** One page of operations and the id of its last row, for the next cursor. */
  public record OperationPage(List<OperationView> items, Long lastId) {
  }

  /**
   * Inserts a wallet for {@code ownerId} unless the owner already has {@code maxWallets}; {@code null}
   * then. Run it in a transaction: the owner's advisory lock is held until the commit.
   */
  public Future<WalletSnapshot> insertWallet(SqlClient tx, UUID walletId, Money initialBalance, String ownerId,
                                             int maxWallets) {
    return tx.preparedQuery(WalletSql.LOCK_OWNER).execute(Tuple.of(ownerId))
        .compose(locked -> tx.preparedQuery(WalletSql.INSERT_WALLET_UNDER_LIMIT)
            .execute(Tuple.of(walletId, initialBalance.minor(), ownerId, maxWallets)))
        .map(rows -> rows.size() == 0 ? null : toSnapshot(rows.iterator().next()));
  }

  /** The wallet's owner ({@link Optional#empty()} for a wallet from before authentication), or {@code null} when there is no such wallet. */
  public Future<Optional<String>> findOwner(SqlClient client, UUID walletId) {
    return client.preparedQuery(WalletSql.FIND_OWNER)
        .execute(Tuple.of(walletId))
        .map(rows -> rows.size() == 0 ? null : Optional.ofNullable(rows.iterator().next().getString("owner_id")));
  }

  /** The wallet, or {@code null}. */
  public Future<WalletSnapshot> findWallet(SqlClient client, UUID walletId) {
    return client.preparedQuery(WalletSql.FIND_WALLET)
        .execute(Tuple.of(walletId))
        .map(rows -> rows.size() == 0 ? null : toSnapshot(rows.iterator().next()));
  }

  /** The applied operation, or {@code null} when the worker has not applied it (yet). */
  public Future<OperationView> findOperation(SqlClient client, UUID operationId) {
    return client.preparedQuery(WalletSql.FIND_OPERATION)
        .execute(Tuple.of(operationId))
        .map(rows -> rows.size() == 0 ? null : toOperation(rows.iterator().next()));
  }

  /**
   * The operation submitted for this wallet under an operationId that had been applied with other
   * content, as the worker recorded it: FAILED with OPERATION_ID_REUSED. {@code null} if there is none.
   */
  public Future<OperationView> findReuse(SqlClient client, UUID operationId, UUID walletId) {
    return client.preparedQuery(WalletSql.FIND_REUSE)
        .execute(Tuple.of(operationId, walletId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new OperationView(operationId, walletId, OperationType.valueOf(row.getString("operation_type")),
              Money.ofMinor(row.getLong("amount_minor")), "FAILED", "OPERATION_ID_REUSED", null,
              instant(row.getOffsetDateTime("accepted_at")), instant(row.getOffsetDateTime("detected_at")),
              row.getString("requested_by"));
        });
  }

  public Future<OperationPage> listOperations(SqlClient client, UUID walletId, Long beforeId, int limit) {
    return client.preparedQuery(WalletSql.LIST_OPERATIONS)
        .execute(Tuple.of(walletId, beforeId == null ? Long.MAX_VALUE : beforeId, limit))
        .map(rows -> {
          List<OperationView> items = new ArrayList<>(rows.size());
          Long lastId = null;
          for (Row row : rows) {
            items.add(toOperation(row));
            lastId = row.getLong("id");
          }
          return new OperationPage(items, lastId);
        });
  }

  static WalletSnapshot toSnapshot(Row row) {
    return new WalletSnapshot(row.getUUID("wallet_id"), Money.ofMinor(row.getLong("balance_minor")),
        row.getLong("version"), instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("updated_at")));
  }

  static OperationView toOperation(Row row) {
    Long balanceAfter = row.getLong("balance_after_minor");
    return new OperationView(row.getUUID("operation_id"), row.getUUID("wallet_id"),
        OperationType.valueOf(row.getString("operation_type")), Money.ofMinor(row.getLong("amount_minor")),
        row.getString("status"), row.getString("failure_reason"),
        balanceAfter == null ? null : Money.ofMinor(balanceAfter),
        instant(row.getOffsetDateTime("accepted_at")), instant(row.getOffsetDateTime("processed_at")),
        row.getString("requested_by"));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
