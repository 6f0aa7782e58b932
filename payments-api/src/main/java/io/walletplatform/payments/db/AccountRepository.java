package io.walletplatform.payments.db;

import io.walletplatform.common.util.Enums;
import io.walletplatform.common.events.PaymentResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.money.Money;
import io.walletplatform.payments.domain.Account;
import io.walletplatform.payments.domain.AccountTransaction;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Accounts and their transactions, through the caller's {@link SqlClient} (usually a transaction). */
public final class AccountRepository {

  /** One page of transactions and the id of its last row, for the next cursor. */
  public record TransactionPage(List<AccountTransaction> items, Long lastId) {
  }

  public Future<Account> insert(SqlClient client, UUID userId, Money initialBalance,
                                io.vertx.core.json.JsonObject metadata) {
    return client.preparedQuery(AccountSql.INSERT_ACCOUNT)
        .execute(Tuple.of(userId, initialBalance.minor(), metadata))
        .map(AccountRepository::firstAccount);
  }

  /** The account, or {@code null}. */
  public Future<Account> find(SqlClient client, UUID userId) {
    return client.preparedQuery(AccountSql.FIND_ACCOUNT).execute(Tuple.of(userId)).map(AccountRepository::firstAccount);
  }

  /** The account after the credit, or {@code null} when there is no account. */
  public Future<Account> credit(SqlClient client, UUID userId, Money amount) {
    return client.preparedQuery(AccountSql.CREDIT).execute(Tuple.of(userId, amount.minor()))
        .map(AccountRepository::firstAccount);
  }

  /** The account after the debit, or {@code null} when there is no account or it does not cover the amount. */
  public Future<Account> debitIfCovered(SqlClient client, UUID userId, Money amount) {
    return client.preparedQuery(AccountSql.DEBIT_IF_COVERED).execute(Tuple.of(userId, amount.minor()))
        .map(AccountRepository::firstAccount);
  }

  public Future<Boolean> exists(SqlClient client, UUID userId) {
    return client.preparedQuery(AccountSql.ACCOUNT_EXISTS).execute(Tuple.of(userId)).map(rows -> rows.size() > 0);
  }

  /** What payments decided for an order: SUCCEEDED, or FAILED with its reason. */
  public record Decision(PaymentResult.Status status, PaymentResult.Reason failureReason) {
  }

  /** The decision recorded for the order, or {@code null} if nothing was decided yet. */
  public Future<Decision> findDecision(SqlClient client, UUID orderId) {
    return client.preparedQuery(AccountSql.FIND_DECISION).execute(Tuple.of(orderId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      var row = rows.iterator().next();
      return new Decision(PaymentResult.Status.valueOf(row.getString("status")),
          Enums.of(PaymentResult.Reason.class, row.getString("failure_reason")));
    });
  }

  public Future<Void> insertDecision(SqlClient client, UUID orderId, UUID userId, PaymentResult.Status status,
                                     PaymentResult.Reason failureReason) {
    return client.preparedQuery(AccountSql.INSERT_DECISION)
        .execute(Tuple.of(orderId, userId, status.name(), Enums.name(failureReason)))
        .mapEmpty();
  }

  /** An order's transaction of one type: whose account and how much. */
  public record OrderTransaction(UUID userId, Money amount) {
  }

  /** The order's PAYMENT or REFUND, or {@code null} when there is none. */
  public Future<OrderTransaction> findOrderTransaction(SqlClient client, UUID orderId, String type) {
    return client.preparedQuery(AccountSql.FIND_ORDER_TRANSACTION).execute(Tuple.of(orderId, type)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new OrderTransaction(row.getUUID("user_id"), Money.ofMinor(row.getLong("amount_minor")));
    });
  }

  public Future<Void> insertTransaction(SqlClient client, UUID userId, AccountTransaction transaction) {
    return client.preparedQuery(AccountSql.INSERT_TRANSACTION)
        .execute(Tuple.of(transaction.transactionId(), userId, transaction.type(), transaction.amount().minor(),
            transaction.orderId(), transaction.balanceAfter().minor(), transaction.requestedBy()))
        .mapEmpty();
  }

  /**
   * What listed transactions must be ({@code null} members: anything): of this type, of an amount in
   * [minAmount, maxAmount] (minor units), created in [from, to).
   */
  public record TransactionFilter(String type, Long minAmount, Long maxAmount, java.time.Instant from,
                                  java.time.Instant to) {
  }

  public Future<TransactionPage> listTransactions(SqlClient client, UUID userId, Long beforeId, int limit,
                                                  TransactionFilter filter) {
    io.walletplatform.common.db.Filters filters = new io.walletplatform.common.db.Filters(4)
        .add("type", "=", filter.type(), "text")
        .add("amount_minor", ">=", filter.minAmount(), "bigint")
        .add("amount_minor", "<=", filter.maxAmount(), "bigint")
        .add("created_at", ">=", filter.from() == null ? null : filter.from().atOffset(java.time.ZoneOffset.UTC),
            "timestamptz")
        .add("created_at", "<", filter.to() == null ? null : filter.to().atOffset(java.time.ZoneOffset.UTC),
            "timestamptz");
    return client.preparedQuery(AccountSql.listTransactions(filters.sql()))
        .execute(filters.tuple(userId, beforeId == null ? Long.MAX_VALUE : beforeId, limit))
        .map(rows -> {
          List<AccountTransaction> items = new ArrayList<>(rows.size());
          Long lastId = null;
          for (Row row : rows) {
            Long balanceAfter = row.getLong("balance_after_minor");
            items.add(new AccountTransaction(row.getUUID("transaction_id"), row.getString("type"),
                Money.ofMinor(row.getLong("amount_minor")), row.getUUID("order_id"), Money.ofMinor(balanceAfter),
                row.getString("requested_by"), row.getOffsetDateTime("created_at").toInstant()));
            lastId = row.getLong("id");
          }
          return new TransactionPage(items, lastId);
        });
  }

  private static Account firstAccount(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row row = rows.iterator().next();
    return new Account(row.getUUID("user_id"), Money.ofMinor(row.getLong("balance_minor")), row.getLong("version"),
        row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(),
        row.getJsonObject("metadata"));
  }
}
