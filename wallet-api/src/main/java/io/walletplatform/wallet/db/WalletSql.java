package io.walletplatform.wallet.db;

/** The SQL wallet-api runs: reads, and the insert of a new wallet. */
final class WalletSql {

  /** Serialises one owner's wallet creations, so that the count below is exact. */
  static final String LOCK_OWNER = "SELECT pg_advisory_xact_lock(hashtextextended($1, 7700))";

  /** What a wallet is answered with: its state, its asset (with the asset's precision) and its credit limit. */
  private static final String WALLET_COLUMNS = """
      w.wallet_id, w.balance_minor, w.held_minor, w.version, w.created_at, w.updated_at, w.asset, w.credit_limit_minor,
      (SELECT a.precision FROM assets a WHERE a.code = w.asset) AS precision""";

  /** Inserts nothing (no row returned) when the owner already has $4 wallets. */
  static final String INSERT_WALLET_UNDER_LIMIT = """
      INSERT INTO wallets AS w (wallet_id, balance_minor, initial_balance_minor, owner_id, version, created_at, updated_at,
                               asset, credit_limit_minor, metadata)
      SELECT $1, $2, $2, $3, 0, now(), now(), $5, $6, $7::jsonb
       WHERE (SELECT count(*) FROM wallets WHERE owner_id = $3) < $4
      RETURNING """ + " " + WALLET_COLUMNS;

  /**
   * The owner of a wallet and its asset: no row when it does not exist, a null owner for a wallet
   * from before authentication.
   */
  static final String FIND_OWNER = """
      SELECT w.owner_id, w.asset, a.precision, w.metadata
        FROM wallets w JOIN assets a ON a.code = w.asset WHERE w.wallet_id = $1""";

  static final String FIND_WALLET = "SELECT " + WALLET_COLUMNS + " FROM wallets w WHERE w.wallet_id = $1";
  static final String FIND_WALLETS = "SELECT " + WALLET_COLUMNS + " FROM wallets w WHERE w.wallet_id = ANY($1::uuid[])";

  /**
   * A new credit limit, taken under the wallet's row lock (the worker's batches take the same lock):
   * no row when the wallet is already below what the new limit allows. The version grows, so that
   * the cache takes the new state.
   */
  static final String SET_CREDIT_LIMIT = """
      UPDATE wallets AS w
         SET credit_limit_minor = $2::bigint, version = w.version + 1, updated_at = now()
       WHERE w.wallet_id = $1 AND w.balance_minor - w.held_minor >= -($2::bigint)
      RETURNING """ + " " + WALLET_COLUMNS;

  /** A transaction's coordinator record; no row when its id exists (a replay, or a reuse). */
  static final String INSERT_TRANSACTION = """
      INSERT INTO wallet_transactions (transaction_id, status, postings, metadata, requested_by, accepted_at, reverses)
      VALUES ($1, 'PENDING', $2::jsonb, $3::jsonb, $4, $5, $6)
      ON CONFLICT (transaction_id) DO NOTHING
      RETURNING transaction_id""";

  static final String FIND_TRANSACTION = """
      SELECT transaction_id, status, failure_reason, failed_wallet_id, postings::text AS postings,
             metadata::text AS metadata, requested_by, accepted_at, processed_at, reverses,
             (SELECT r.transaction_id FROM wallet_transactions r WHERE r.reverses = t.transaction_id) AS reversed_by
        FROM wallet_transactions t
       WHERE transaction_id = $1""";

  static final String LIST_ASSETS = "SELECT code, precision, created_at FROM assets ORDER BY code";

  static final String FIND_ASSET = "SELECT code, precision, created_at FROM assets WHERE code = $1";

  /** Adds an asset; no row when the code exists (an asset never changes its precision). */
  static final String INSERT_ASSET = """
      INSERT INTO assets (code, precision) VALUES ($1, $2)
      ON CONFLICT (code) DO NOTHING
      RETURNING code, precision, created_at""";

  static final String OPERATION_COLUMNS = """
      o.id, o.operation_id, o.wallet_id, o.operation_type, o.amount_minor, o.status, o.failure_reason,
      o.balance_after_minor, o.accepted_at, o.processed_at, o.requested_by, o.to_wallet_id, o.hold_id, o.expires_at,
      o.to_balance_after_minor, o.transaction_id, o.metadata""";

  /** A HOLD's current state, looked up for a HOLD only (a subquery run per HOLD row, not a join probed for every row). */
  static final String HOLD_STATUS = """
      CASE WHEN o.operation_type = 'HOLD'
           THEN (SELECT h.status FROM wallet_holds h WHERE h.hold_id = o.operation_id) END AS hold_status""";

  static final String FIND_OPERATION = "SELECT " + OPERATION_COLUMNS + ", " + HOLD_STATUS
      + " FROM wallet_operations o WHERE o.operation_id = $1";

  /** The first time this operationId was reused for this wallet after it had been applied with other content. */
  static final String FIND_REUSE = """
      SELECT operation_id, wallet_id, operation_type, amount_minor, accepted_at, detected_at, requested_by
        FROM wallet_operation_reuses
       WHERE operation_id = $1 AND wallet_id = $2
       ORDER BY detected_at
       LIMIT 1""";

  /**
   * One page of a wallet's history, newest first: its own operations and the transfers it received,
   * each walked backwards on its index from the page's upper bound ($4 the cursor's processed_at, $5
   * its id; $3 the period's end, exclusive) down to the period's start $2 (inclusive), with the
   * filters' conditions (parameters from $7 on) on every row walked.
   */
  static String listOperations(String filters) {
    return historyPage("<", "DESC", filters, "");
  }

  /** How many rows of each side a page with a metadata filter walks at most before it turns to the index. */
  static final int WALK = 2_000;

  /**
   * The same page with a metadata filter, its own operations found by walking: the newest
   * {@link #WALK} that meet the other filters, then the metadata condition on those (the transfers
   * received are found as always). Exact only when the walk found a whole page of the wallet's own
   * operations: when it did not (the value is rarer than one row in 40 there, or received transfers
   * are among the page), the caller looks the page up through the metadata index instead.
   */
  static String listOperationsWalking(String filters, String metadata) {
    return historyPage("<", "DESC", filters, metadata);
  }

  /**
   * One page of a wallet's statement, oldest first: the same rows walked forwards from just after the
   * page's lower bound ($4 the last row's processed_at, $5 its id) up to the period's end $3
   * (exclusive), from its start $2 (inclusive).
   */
  static final String STATEMENT_PAGE = historyPage(">", "ASC", "", "");

  /**
   * Up to $6 rows of wallet $1 in [$2, $3), past the bound ($4, $5) in the direction {@code past} and
   * {@code order}, that meet {@code filters} ({@code ""}, or conditions on {@code o} each starting with AND)
   * and {@code afterWalk} (nothing when {@code ""}): on its own operations, on at most the first
   * {@link #WALK} of those walked; on the transfers it received, on every row.
   */
  private static String historyPage(String past, String order, String filters, String afterWalk) {
    String bound = "o.processed_at >= $2 AND o.processed_at < $3 AND (o.processed_at, o.id) " + past + " ($4, $5)"
        + filters;
    String ordered = "ORDER BY o.processed_at " + order + ", o.id " + order;
    String open = afterWalk.isEmpty() ? "  (SELECT " + OPERATION_COLUMNS : "  (SELECT * FROM (SELECT " + OPERATION_COLUMNS;
    String close = afterWalk.isEmpty() ? "    LIMIT $6)"
        : "    LIMIT " + WALK + ") o WHERE TRUE" + afterWalk + " " + ordered + " LIMIT $6)";
    String received = bound + afterWalk;
    return String.join("\n",
        "SELECT o.*, " + HOLD_STATUS + " FROM (",
        open,
        "     FROM wallet_operations o",
        "    WHERE o.wallet_id = $1 AND " + bound,
        "    " + ordered,
        close,
        "  UNION ALL",
        "  (SELECT " + OPERATION_COLUMNS,
        "     FROM wallet_operations o",
        "    WHERE o.to_wallet_id = $1 AND o.to_balance_after_minor IS NOT NULL",
        "      AND " + received,
        "    " + ordered,
        "    LIMIT $6)) o",
        " " + ordered,
        " LIMIT $6");
  }

  /**
   * The wallet as of $2: the state after the last operation applied at or before it, as a source or
   * as a transfer's destination (one index probe each), else what it was created with. No row when
   * the wallet does not exist; {@code created_at} tells whether it existed then.
   */
  static final String BALANCE_AT = """
      SELECT w.created_at, coalesce(s.balance_minor, w.initial_balance_minor) AS balance_minor,
             coalesce(s.held_minor, 0) AS held_minor, coalesce(s.version, 0) AS version
        FROM wallets w
        LEFT JOIN LATERAL (
          SELECT * FROM (
            (SELECT o.processed_at, o.id, o.balance_after_minor AS balance_minor, o.held_after_minor AS held_minor,
                    o.version_after AS version
               FROM wallet_operations o
              WHERE o.wallet_id = w.wallet_id AND o.processed_at <= $2 AND o.version_after IS NOT NULL
              ORDER BY o.processed_at DESC, o.id DESC
              LIMIT 1)
            UNION ALL
            (SELECT o.processed_at, o.id, o.to_balance_after_minor, o.to_held_after_minor, o.to_version_after
               FROM wallet_operations o
              WHERE o.to_wallet_id = w.wallet_id AND o.to_balance_after_minor IS NOT NULL AND o.processed_at <= $2
              ORDER BY o.processed_at DESC, o.id DESC
              LIMIT 1)) last
           ORDER BY last.processed_at DESC, last.id DESC
           LIMIT 1) s ON true
       WHERE w.wallet_id = $1""";

  private WalletSql() {
  }
}
