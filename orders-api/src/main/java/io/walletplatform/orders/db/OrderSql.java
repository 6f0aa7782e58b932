package io.walletplatform.orders.db;

/** The SQL of orders. */
final class OrderSql {

  static final String COLUMNS =
      "id, order_id, user_id, amount_minor, description, status, failure_reason, requested_by, created_at, updated_at,"
      + " refund_requested_at, metadata";

  static final String INSERT = """
      INSERT INTO orders (order_id, user_id, amount_minor, description, status, requested_by, metadata)
      VALUES ($1, $2, $3, $4, 'NEW', $5, $6::jsonb)
      RETURNING\s""" + COLUMNS;

  static final String FIND = "SELECT " + COLUMNS + " FROM orders WHERE order_id = $1";

  /** A user's orders before the cursor ($2), newest first, that meet {@code filters} (parameters from $4 on). */
  static String listByUser(String filters) {
    return "SELECT " + COLUMNS + """
         FROM orders
        WHERE user_id = $1 AND id < $2""" + filters + """

        ORDER BY id DESC
        LIMIT $3""";
  }

  /** Only a NEW order moves: a repeated or late result changes nothing. */
  static final String SETTLE = """
      UPDATE orders SET status = $2, failure_reason = $3, updated_at = now()
       WHERE order_id = $1 AND status = 'NEW'
      RETURNING\s""" + COLUMNS;

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

  /** The order, locked until the transaction ends (a refund request decides on it). */
  static final String LOCK = "SELECT " + COLUMNS + " FROM orders WHERE order_id = $1 FOR UPDATE";

  /** Only a FINISHED order not asked to refund before; the caller holds its lock. */
  static final String REQUEST_REFUND = """
      UPDATE orders SET refund_requested_at = now(), refund_sent_at = now(), updated_at = now()
       WHERE order_id = $1 AND status = 'FINISHED' AND refund_requested_at IS NULL
      RETURNING\s""" + COLUMNS;

  /** Only a FINISHED order whose refund was asked for moves to REFUNDED, once. */
  static final String SETTLE_REFUND = """
      UPDATE orders SET status = 'REFUNDED', updated_at = now()
       WHERE order_id = $1 AND status = 'FINISHED' AND refund_requested_at IS NOT NULL
      RETURNING\s""" + COLUMNS;

  /** Refunds asked for and still unanswered, last sent before $1; locked like the stale NEW orders. */
  static final String LOCK_STALE_REFUNDS = """
      SELECT order_id, user_id, amount_minor, created_at, requested_by
        FROM orders
       WHERE status = 'FINISHED' AND refund_requested_at IS NOT NULL AND refund_sent_at < $1
       ORDER BY refund_sent_at
       LIMIT $2
         FOR UPDATE SKIP LOCKED""";

  static final String MARK_REFUND_SENT = "UPDATE orders SET refund_sent_at = now() WHERE order_id = ANY($1::uuid[])";

  private OrderSql() {
  }
}
