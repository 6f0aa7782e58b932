package io.walletplatform.worker.db;

import io.walletplatform.common.util.Enums;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;
import io.walletplatform.worker.domain.TransactionSettlement.AppliedPosting;
import io.walletplatform.worker.domain.TransactionSettlement.Reservation;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The transactions' rows for their coordinator: each method is one statement. */
public final class TransactionRepository {

  /** A transaction waiting for its last step. */
  public record Pending(UUID transactionId, List<Posting> postings, String requestedBy, Instant acceptedAt) {
  }

  public Future<List<Pending>> pending(SqlClient client, int limit) {
    return client.preparedQuery(TransactionSql.PENDING).execute(Tuple.of(limit)).map(rows -> {
      List<Pending> pending = new ArrayList<>(rows.size());
      for (Row row : rows) {
        pending.add(new Pending(row.getUUID("transaction_id"), Postings.decode(row.getString("postings")),
            row.getString("requested_by"), row.getOffsetDateTime("accepted_at").toInstant()));
      }
      return pending;
    });
  }

  /** The wallets of the transactions settled within the last {@code millis}. */
  public Future<List<UUID>> recentlySettledWallets(SqlClient client, long millis) {
    return client.preparedQuery(TransactionSql.RECENTLY_SETTLED_WALLETS).execute(Tuple.of(millis)).map(rows -> {
      List<UUID> walletIds = new ArrayList<>(rows.size());
      rows.forEach(row -> walletIds.add(row.getUUID("wallet_id")));
      return walletIds;
    });
  }

  /** The reservations among the ids that the worker decided, by reservation (operation) id. */
  public Future<Map<UUID, Reservation>> reservations(SqlClient client, Collection<UUID> reservationIds) {
    return client.preparedQuery(TransactionSql.RESERVATIONS).execute(Tuple.of(reservationIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, Reservation> decided = new HashMap<>();
          rows.forEach(row -> decided.put(row.getUUID("operation_id"), new Reservation(row.getUUID("wallet_id"),
              OperationStatus.valueOf(row.getString("status")), Enums.of(FailureReason.class, row.getString("failure_reason")))));
          return decided;
        });
  }

  /** Locks the transaction's row; whether it is still PENDING. */
  public Future<Boolean> lockPending(SqlClient tx, UUID transactionId) {
    return tx.preparedQuery(TransactionSql.LOCK).execute(Tuple.of(transactionId))
        .map(rows -> rows.size() == 1 && OperationStatus.PENDING.name().equals(rows.iterator().next().getString("status")));
  }

  public Future<Void> finish(SqlClient tx, UUID transactionId, OperationStatus status, FailureReason reason,
                             UUID failedWallet) {
    return tx.preparedQuery(TransactionSql.FINISH).execute(Tuple.of(transactionId, status.name(), Enums.name(reason), failedWallet))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("transaction " + transactionId + " was not PENDING")));
  }

  public Future<Void> insertPostings(SqlClient tx, Pending transaction, List<AppliedPosting> postings) {
    if (postings.isEmpty()) {
      return Future.succeededFuture();
    }
    int size = postings.size();
    UUID[] ids = new UUID[size];
    UUID[] from = new UUID[size];
    Long[] amounts = new Long[size];
    Long[] balances = new Long[size];
    Long[] held = new Long[size];
    Long[] versions = new Long[size];
    UUID[] to = new UUID[size];
    Long[] toBalances = new Long[size];
    Long[] toHeld = new Long[size];
    Long[] toVersions = new Long[size];
    for (int i = 0; i < size; i++) {
      AppliedPosting applied = postings.get(i);
      ids[i] = applied.operationId();
      from[i] = applied.posting().from();
      amounts[i] = applied.posting().amount().minor();
      balances[i] = applied.fromAfter().balance().minor();
      held[i] = applied.fromAfter().held().minor();
      versions[i] = applied.fromAfter().version();
      to[i] = applied.posting().to();
      toBalances[i] = applied.toAfter().balance().minor();
      toHeld[i] = applied.toAfter().held().minor();
      toVersions[i] = applied.toAfter().version();
    }
    return tx.preparedQuery(TransactionSql.INSERT_POSTINGS)
        .execute(Tuple.wrap(new Object[] {ids, from, amounts, balances, held, versions, to, toBalances, toHeld,
            transaction.acceptedAt().atOffset(ZoneOffset.UTC), transaction.requestedBy(), transaction.transactionId(),
            toVersions}))
        .mapEmpty();
  }
}
