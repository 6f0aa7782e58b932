package io.walletplatform.orders.db;

import io.walletplatform.common.util.Enums;
import io.walletplatform.orders.domain.OrderStatus;
import io.walletplatform.common.events.PaymentResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.db.Filters;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.money.Money;
import io.walletplatform.orders.domain.Order;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Orders, through the caller's {@link SqlClient}. */
public final class OrderRepository {

  /** One page of orders and the id of its last row, for the next cursor. */
  public record OrderPage(List<Order> items, Long lastId) {
  }

  public Future<Order> insert(SqlClient client, UUID orderId, UUID userId, Money amount, String description,
                             String requestedBy, JsonObject metadata) {
    return client.preparedQuery(OrderSql.INSERT)
        .execute(Tuple.from(new Object[] {orderId, userId, amount.minor(), description, requestedBy,
            metadata}))
        .map(rows -> toOrder(rows.iterator().next()));
  }

  /** The order, or {@code null}. */
  public Future<Order> find(SqlClient client, UUID orderId) {
    return client.preparedQuery(OrderSql.FIND).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? null : toOrder(rows.iterator().next()));
  }

  /**
   * What listed orders must be ({@code null} members: anything): in this status, of an amount in
   * [minAmount, maxAmount] (minor units), created in [from, to), with metadata holding all of {@code metadata}.
   */
  public record OrderFilter(OrderStatus status, Long minAmount, Long maxAmount, java.time.Instant from,
                            java.time.Instant to, JsonObject metadata) {
  }

  public Future<OrderPage> listByUser(io.vertx.sqlclient.Pool pool, UUID userId, Long beforeId, int limit,
                                      OrderFilter filter) {
    Filters filters = new Filters(4)
        .add("status", "=", filter.status(), "text")
        .add("amount_minor", ">=", filter.minAmount(), "bigint")
        .add("amount_minor", "<=", filter.maxAmount(), "bigint")
        .add("created_at", ">=", utc(filter.from()), "timestamptz")
        .add("created_at", "<", utc(filter.to()), "timestamptz")
        .metadata("metadata", filter.metadata());
    return filters.run(pool, client -> client.preparedQuery(OrderSql.listByUser(filters.sql()))
        .execute(filters.tuple(userId, beforeId == null ? Long.MAX_VALUE : beforeId, limit)))
        .map(rows -> {
          List<Order> items = new ArrayList<>(rows.size());
          Long lastId = null;
          for (Row row : rows) {
            items.add(toOrder(row));
            lastId = row.getLong("id");
          }
          return new OrderPage(items, lastId);
        });
  }

  /** True if the order was NEW and now carries the result; false if it was already final or is unknown. */
  /** The order as settled now, or {@code null} when it is final already (or unknown). */
  public Future<Order> settle(SqlClient client, UUID orderId, OrderStatus status, PaymentResult.Reason failureReason) {
    return client.preparedQuery(OrderSql.SETTLE).execute(Tuple.of(orderId, status.name(),
            Enums.name(failureReason)))
        .map(rows -> rows.size() == 0 ? null : toOrder(rows.iterator().next()));
  }

  /** The order, locked for the rest of the transaction, or {@code null}. */
  public Future<Order> lock(SqlClient tx, UUID orderId) {
    return tx.preparedQuery(OrderSql.LOCK).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? null : toOrder(rows.iterator().next()));
  }

  /** The order with its refund asked for now, or {@code null} when it is not FINISHED or was asked before. */
  public Future<Order> requestRefund(SqlClient tx, UUID orderId) {
    return tx.preparedQuery(OrderSql.REQUEST_REFUND).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? null : toOrder(rows.iterator().next()));
  }

  /** True if the order moved FINISHED → REFUNDED now; false if it had already, or no refund was asked. */
  /** The order as REFUNDED now, or {@code null} when it was refunded before (or unknown). */
  public Future<Order> settleRefund(SqlClient client, UUID orderId) {
    return client.preparedQuery(OrderSql.SETTLE_REFUND).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? null : toOrder(rows.iterator().next()));
  }

  public Future<List<StaleOrder>> lockStaleRefunds(SqlClient tx, java.time.Instant sentBefore, int limit) {
    return tx.preparedQuery(OrderSql.LOCK_STALE_REFUNDS)
        .execute(Tuple.of(sentBefore.atOffset(java.time.ZoneOffset.UTC), limit))
        .map(OrderRepository::staleOrders);
  }

  public Future<Void> markRefundSent(SqlClient tx, List<UUID> orderIds) {
    return tx.preparedQuery(OrderSql.MARK_REFUND_SENT).execute(Tuple.of(orderIds.toArray(UUID[]::new))).mapEmpty();
  }

  /** A NEW order to re-drive: what its payment request carries. */
  public record StaleOrder(UUID orderId, UUID userId, Money amount, java.time.Instant createdAt, String requestedBy) {
  }

  public Future<List<StaleOrder>> lockStaleNew(SqlClient tx, java.time.Instant requestedBefore, int limit) {
    return tx.preparedQuery(OrderSql.LOCK_STALE_NEW)
        .execute(Tuple.of(requestedBefore.atOffset(java.time.ZoneOffset.UTC), limit))
        .map(OrderRepository::staleOrders);
  }

  private static List<StaleOrder> staleOrders(io.vertx.sqlclient.RowSet<Row> rows) {
    List<StaleOrder> stale = new ArrayList<>(rows.size());
    for (Row row : rows) {
      stale.add(new StaleOrder(row.getUUID("order_id"), row.getUUID("user_id"),
          Money.ofMinor(row.getLong("amount_minor")), row.getOffsetDateTime("created_at").toInstant(),
          row.getString("requested_by")));
    }
    return stale;
  }

  public Future<Void> markRequested(SqlClient tx, List<UUID> orderIds) {
    return tx.preparedQuery(OrderSql.MARK_REQUESTED).execute(Tuple.of(orderIds.toArray(UUID[]::new))).mapEmpty();
  }

  private static java.time.OffsetDateTime utc(java.time.Instant instant) {
    return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
  }

  private static Order toOrder(Row row) {
    return new Order(row.getUUID("order_id"), row.getUUID("user_id"), Money.ofMinor(row.getLong("amount_minor")),
        row.getString("description"), OrderStatus.valueOf(row.getString("status")),
        Enums.of(PaymentResult.Reason.class, row.getString("failure_reason")),
        row.getString("requested_by"), row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant(), row.getOffsetDateTime("refund_requested_at") == null ? null
            : row.getOffsetDateTime("refund_requested_at").toInstant(), row.getJsonObject("metadata"));
  }
}
