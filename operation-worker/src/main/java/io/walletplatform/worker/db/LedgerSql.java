package io.walletplatform.worker.db;

/** The SQL of one batch: lock, find what was applied before, insert outcomes, update balances. */
final class LedgerSql {

  /** Locks in wallet id order, so two transactions over overlapping wallets cannot deadlock. */
  static final String LOCK_WALLETS = """
      SELECT wallet_id, balance_minor, version, created_at, updated_at
        FROM wallets
       WHERE wallet_id = ANY($1::uuid[])
       ORDER BY wallet_id
         FOR UPDATE""";

  static final String FIND_APPLIED = """
      SELECT operation_id, wallet_id, operation_type, amount_minor
        FROM wallet_operations
       WHERE operation_id = ANY($1::uuid[])""";

  static final String INSERT_REUSES = """
      INSERT INTO wallet_operation_reuses (operation_id, kafka_partition, kafka_offset, wallet_id, operation_type,
                                           amount_minor, accepted_at, requested_by)
      SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::uuid[], $5::text[], $6::bigint[], $7::timestamptz[],
                           $8::text[])
      ON CONFLICT DO NOTHING""";

  /** ORDER BY ordinality makes the identity column follow the Kafka order of the batch. */
  static final String INSERT_OPERATIONS = """
      INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                     balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                     requested_by)
      SELECT o.operation_id, o.wallet_id, o.operation_type, o.amount_minor, o.status, o.failure_reason,
             o.balance_after_minor, o.accepted_at, now(), o.kafka_partition, o.kafka_offset, o.requested_by
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[],
                    $8::timestamptz[], $9::int[], $10::bigint[], $11::text[])
             WITH ORDINALITY AS o(operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                  balance_after_minor, accepted_at, kafka_partition, kafka_offset, requested_by,
                                  ordinal)
       ORDER BY o.ordinal""";

  /**
   * An operation parked after bounded attempts. Not part of a batch's statement: there a conflict
   * must fail the transaction (the balance update beside it would otherwise count twice); here
   * nothing moves, so an operation already recorded simply keeps its row.
   */
  static final String INSERT_PROCESSING_FAILED = """
      INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                     balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                     requested_by)
      VALUES ($1, $2, $3, $4, 'FAILED', 'PROCESSING_FAILED', NULL, $5, now(), $6, $7, $8)
      ON CONFLICT (operation_id) DO NOTHING""";

  static final String UPDATE_WALLETS = """
      UPDATE wallets AS w
         SET balance_minor = u.balance_minor, version = u.version, updated_at = now()
        FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS u(wallet_id, balance_minor, version)
       WHERE w.wallet_id = u.wallet_id
      RETURNING w.wallet_id, w.balance_minor, w.version, w.created_at, w.updated_at""";

  private LedgerSql() {
  }
}
