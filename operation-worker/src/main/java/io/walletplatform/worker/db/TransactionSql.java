package io.walletplatform.worker.db;

/** The SQL of the transactions' last step: find the pending ones, lock one, write its outcome. */
final class TransactionSql {

  /** The oldest PENDING transactions, from the partial index on accepted_at. */
  static final String PENDING = """
      SELECT transaction_id, postings::text AS postings, requested_by, accepted_at
        FROM wallet_transactions
       WHERE status = 'PENDING'
       ORDER BY accepted_at
       LIMIT $1""";

  /** How the reservations (HOLD operations) that were applied ended. */
  static final String RESERVATIONS = """
      SELECT operation_id, wallet_id, status, failure_reason
        FROM wallet_operations
       WHERE operation_id = ANY($1::uuid[])""";

  /** The wallets of the transactions settled within the last $1 milliseconds. */
  static final String RECENTLY_SETTLED_WALLETS = """
      SELECT DISTINCT w.wallet_id
        FROM wallet_transactions t
             CROSS JOIN LATERAL jsonb_array_elements(t.postings) AS p(posting)
             CROSS JOIN LATERAL (VALUES ((p.posting ->> 'from')::uuid), ((p.posting ->> 'to')::uuid)) AS w(wallet_id)
       WHERE t.status <> 'PENDING' AND t.processed_at > now() - $1 * interval '1 millisecond'""";

  /** Taken after the wallets' locks: whoever gets it second finds the transaction final and does nothing. */
  static final String LOCK = "SELECT status FROM wallet_transactions WHERE transaction_id = $1 FOR UPDATE";

  static final String FINISH = """
      UPDATE wallet_transactions
         SET status = $2, failure_reason = $3, failed_wallet_id = $4, processed_at = clock_timestamp()
       WHERE transaction_id = $1 AND status = 'PENDING'""";

  /**
   * The postings as TRANSFER rows of the transaction, in their order; no Kafka record is theirs
   * (partition and offset -1). A conflict fails the settlement: a posting is written once.
   */
  static final String INSERT_POSTINGS = """
      WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS processed_at)
      INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                     balance_after_minor, held_after_minor, version_after, accepted_at, processed_at,
                                     kafka_partition, kafka_offset, requested_by, to_wallet_id, to_balance_after_minor,
                                     to_held_after_minor, to_version_after, transaction_id)
      SELECT p.operation_id, p.wallet_id, 'TRANSFER', p.amount_minor, 'COMPLETED', NULL, p.balance_after_minor,
             p.held_after_minor, p.version_after, $10, clock.processed_at, -1, -1, $11, p.to_wallet_id,
             p.to_balance_after_minor, p.to_held_after_minor, p.to_version_after, $12
        FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::uuid[],
                    $8::bigint[], $9::bigint[], $13::bigint[])
             WITH ORDINALITY AS p(operation_id, wallet_id, amount_minor, balance_after_minor, held_after_minor,
                                  version_after, to_wallet_id, to_balance_after_minor, to_held_after_minor,
                                  to_version_after, ordinal)
             CROSS JOIN clock
       ORDER BY p.ordinal""";

  private TransactionSql() {
  }
}
