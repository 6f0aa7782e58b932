package io.walletplatform.worker.db;

/** The SQL of one batch: lock, find what was applied before, insert outcomes, update balances and holds. */
final class LedgerSql {

  /**
   * Locks in wallet id order (PostgreSQL's uuid order, the same for every batch), so two
   * transactions over overlapping wallets, transfers' destinations included, cannot deadlock.
   */
  static final String LOCK_WALLETS = """
      SELECT w.wallet_id, w.balance_minor, w.held_minor, w.version, w.created_at, w.updated_at, w.owner_id, w.asset,
             w.credit_limit_minor, w.monitors, (SELECT a.precision FROM assets a WHERE a.code = w.asset) AS precision
        FROM wallets w
       WHERE w.wallet_id = ANY($1::uuid[])
       ORDER BY w.wallet_id
         FOR UPDATE OF w""";

  /** The batch's processed_at (one clock per batch), read only when the batch reports events. */
  static final String PROCESSED_AT = "SELECT processed_at FROM wallet_operations WHERE operation_id = $1";

  static final String FIND_APPLIED = """
      SELECT operation_id, wallet_id, operation_type, amount_minor, to_wallet_id, hold_id, metadata
        FROM wallet_operations
       WHERE operation_id = ANY($1::uuid[])""";

  /** Protected by the lock of their wallet: only operations of that wallet change them. */
  static final String FIND_HOLDS = """
      SELECT hold_id, wallet_id, amount_minor, status, expires_at, created_at, settled_by
        FROM wallet_holds
       WHERE hold_id = ANY($1::uuid[])""";

  static final String INSERT_HOLDS = """
      INSERT INTO wallet_holds (hold_id, wallet_id, amount_minor, status, expires_at, created_at, settled_at, settled_by)
      SELECT h.hold_id, h.wallet_id, h.amount_minor, h.status, h.expires_at, h.created_at,
             CASE WHEN h.settled_by IS NULL THEN NULL ELSE clock_timestamp() END, h.settled_by
        FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::uuid[])
             AS h(hold_id, wallet_id, amount_minor, status, expires_at, created_at, settled_by)""";

  /** Settles holds; only an ACTIVE hold is ever settled (a second settlement would update nothing and fail the batch). */
  static final String SETTLE_HOLDS = """
      UPDATE wallet_holds AS h
         SET status = u.status, settled_by = u.settled_by, settled_at = clock_timestamp()
        FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS u(hold_id, status, settled_by)
       WHERE h.hold_id = u.hold_id AND h.status = 'ACTIVE'""";

  /** Wallets among the ids whose held amount is not the sum of their ACTIVE holds: none, ever. */
  static final String UNBALANCED_HOLDS = """
      SELECT w.wallet_id
        FROM wallets w
       WHERE w.wallet_id = ANY($1::uuid[])
         AND w.held_minor <> coalesce((SELECT sum(h.amount_minor) FROM wallet_holds h
                                        WHERE h.wallet_id = w.wallet_id AND h.status = 'ACTIVE'), 0)""";

  static final String INSERT_REUSES = """
      INSERT INTO wallet_operation_reuses (operation_id, kafka_partition, kafka_offset, wallet_id, operation_type,
                                           amount_minor, accepted_at, requested_by)
      SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::uuid[], $5::text[], $6::bigint[], $7::timestamptz[],
                           $8::text[])
      ON CONFLICT DO NOTHING""";

  /** The unique constraint on wallet_operations.operation_id: an operation is recorded once, ever. */
  static final String OPERATION_ID_UNIQUE = "wallet_operations_operation_id_key";

  /**
   * The arrays unnested side by side in the select list (PostgreSQL's ProjectSet: no tuplestore per array,
   * as unnest in FROM materialises every one of them); ORDER BY their subscript makes the identity column
   * follow the Kafka order of the batch. processed_at is one instant per batch (an InitPlan, evaluated
   * once), read after its wallets were locked: within a wallet it never goes back, so (processed_at, id)
   * orders a wallet's history as it was applied.
   */
  static final String INSERT_OPERATIONS = """
      INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                     balance_after_minor, held_after_minor, version_after, accepted_at, processed_at,
                                     kafka_partition, kafka_offset, requested_by, to_wallet_id, hold_id, expires_at,
                                     to_balance_after_minor, to_held_after_minor, to_version_after, metadata)
      SELECT o.operation_id, o.wallet_id, o.operation_type, o.amount_minor, o.status, o.failure_reason,
             o.balance_after_minor, o.held_after_minor, o.version_after, o.accepted_at, (SELECT clock_timestamp()),
             o.kafka_partition, o.kafka_offset, o.requested_by, o.to_wallet_id, o.hold_id, o.expires_at,
             o.to_balance_after_minor, o.to_held_after_minor, o.to_version_after, o.metadata::jsonb
        FROM (SELECT unnest($1::uuid[]) AS operation_id, unnest($2::uuid[]) AS wallet_id,
                     unnest($3::text[]) AS operation_type, unnest($4::bigint[]) AS amount_minor,
                     unnest($5::text[]) AS status, unnest($6::text[]) AS failure_reason,
                     unnest($7::bigint[]) AS balance_after_minor, unnest($8::bigint[]) AS held_after_minor,
                     unnest($9::bigint[]) AS version_after, unnest($10::timestamptz[]) AS accepted_at,
                     unnest($11::int[]) AS kafka_partition, unnest($12::bigint[]) AS kafka_offset,
                     unnest($13::text[]) AS requested_by, unnest($14::uuid[]) AS to_wallet_id,
                     unnest($15::uuid[]) AS hold_id, unnest($16::timestamptz[]) AS expires_at,
                     unnest($17::bigint[]) AS to_balance_after_minor, unnest($18::bigint[]) AS to_held_after_minor,
                     unnest($19::bigint[]) AS to_version_after, unnest($20::text[]) AS metadata,
                     generate_subscripts($1::uuid[], 1) AS ordinal) AS o
       ORDER BY o.ordinal""";

  /**
   * An operation parked after bounded attempts. Not part of a batch's statement: there a conflict
   * must fail the transaction (the balance update beside it would otherwise count twice); here
   * nothing moves, so an operation already recorded simply keeps its row.
   */
  static final String INSERT_PROCESSING_FAILED = """
      INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
                                     balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset,
                                     requested_by, to_wallet_id, hold_id, expires_at, metadata)
      VALUES ($1, $2, $3, $4, 'FAILED', 'PROCESSING_FAILED', NULL, $5, clock_timestamp(), $6, $7, $8, $9, $10, $11,
              $12::jsonb)
      ON CONFLICT (operation_id) DO NOTHING""";

  /** The owners of wallets, unlocked: for the event of an operation recorded PROCESSING_FAILED. */
  static final String OWNERS = """
      SELECT w.wallet_id, w.owner_id, w.asset, a.precision
        FROM wallets w JOIN assets a ON a.code = w.asset
       WHERE w.wallet_id = ANY($1::uuid[])""";

  static final String UPDATE_WALLETS = """
      UPDATE wallets AS w
         SET balance_minor = u.balance_minor, held_minor = u.held_minor, version = u.version, updated_at = now()
        FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(wallet_id, balance_minor, held_minor, version)
       WHERE w.wallet_id = u.wallet_id
      RETURNING w.wallet_id, w.balance_minor, w.held_minor, w.version, w.created_at, w.updated_at, w.asset,
                w.credit_limit_minor, (SELECT a.precision FROM assets a WHERE a.code = w.asset) AS precision""";

  /** ACTIVE holds past their expiresAt, oldest first, from the partial index on expires_at. */
  static final String EXPIRED_HOLDS = """
      SELECT hold_id, wallet_id
        FROM wallet_holds
       WHERE status = 'ACTIVE' AND expires_at <= now()
       ORDER BY expires_at
       LIMIT $1""";

  private LedgerSql() {
  }

  /** The monitors of wallets the caller has locked (their rows are guarded by those locks). */
  static final String FIND_MONITORS = """
      SELECT monitor_id, wallet_id, field, operator, value_minor, metadata, triggered, created_at
        FROM wallet_monitors WHERE wallet_id = ANY($1::uuid[])""";

  static final String SET_TRIGGERED = """
      UPDATE wallet_monitors m SET triggered = t.triggered
        FROM unnest($1::uuid[], $2::boolean[]) AS t(monitor_id, triggered)
       WHERE m.monitor_id = t.monitor_id""";
}
