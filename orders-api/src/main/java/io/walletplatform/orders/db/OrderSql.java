package io.walletplatform.orders.db;

/** The SQL of orders. */
final class OrderSql {

  static final String COLUMNS =
      "id, order_id, user_id, amount_minor, description, status, failure_reason, requested_by, created_at, updated_at";

  static final String INSERT = """
      INSERT INTO orders (order_id, user_id, amount_minor, description, status, requested_by)
      VALUES ($1, $2, $3, $4, 'NEW', $5)
      RETURNING\s""" + COLUMNS;

  static final String FIND = "SELECT " + COLUMNS + " FROM orders WHERE order_id = $1";

  static final String LIST_BY_USER = "SELECT " + COLUMNS + """
       FROM orders
      WHERE user_id = $1 AND id < $2
      ORDER BY id DESC
      LIMIT $3""";

  /** Only a NEW order moves: a repeated or late result changes nothing. */
  static final String SETTLE = """
      UPDATE orders SET status = $2, failure_reason = $3, updated_at = now()
       WHERE order_id = $1 AND status = 'NEW'""";

  /**
   * NEW orders whose payment was last requested before $1, oldest first, locked so that two
   * reconcilers (two orders-api processes) never re-drive the same order at once.
   */
  static final String LOCK_STALE_NEW = """
      SELECT order_id, user_id, amount_minor, created_at, requested_by
        FROM orders
       WHERE status = 'NEW' AND payment_requested_at < $1
       ORDER BY payment_requested_at
       LIMIT $2
         FOR UPDATE SKIP LOCKED""";

  static final String MARK_REQUESTED = """
      UPDATE orders SET payment_requested_at = now(), payment_requests = payment_requests + 1
       WHERE order_id = ANY($1::uuid[])""";

  private OrderSql() {
  }
}
