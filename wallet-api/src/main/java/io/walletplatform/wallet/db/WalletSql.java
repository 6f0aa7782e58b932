package io.walletplatform.wallet.db;

/** The SQL wallet-api runs: reads, and the insert of a new wallet. */
final class WalletSql {

  /** Serialises one owner's wallet creations, so that the count below is exact. */
  static final String LOCK_OWNER = "SELECT pg_advisory_xact_lock(hashtextextended($1, 7700))";

  /** Inserts nothing (no row returned) when the owner already has $4 wallets. */
  static final String INSERT_WALLET_UNDER_LIMIT = """
      INSERT INTO wallets (wallet_id, balance_minor, owner_id, version, created_at, updated_at)
      SELECT $1, $2, $3, 0, now(), now()
       WHERE (SELECT count(*) FROM wallets WHERE owner_id = $3) < $4
      RETURNING wallet_id, balance_minor, version, created_at, updated_at""";

  /** The owner of a wallet: no row when it does not exist, a null owner for a wallet from before authentication. */
  static final String FIND_OWNER = "SELECT owner_id FROM wallets WHERE wallet_id = $1";

  static final String FIND_WALLET = """
      SELECT wallet_id, balance_minor, version, created_at, updated_at FROM wallets WHERE wallet_id = $1""";

  static final String OPERATION_COLUMNS = """
      id, operation_id, wallet_id, operation_type, amount_minor, status, failure_reason, balance_after_minor,
      accepted_at, processed_at, requested_by""";

  static final String FIND_OPERATION = "SELECT " + OPERATION_COLUMNS
      + " FROM wallet_operations WHERE operation_id = $1";

  /** The first time this operationId was reused for this wallet after it had been applied with other content. */
  static final String FIND_REUSE = """
      SELECT operation_id, wallet_id, operation_type, amount_minor, accepted_at, detected_at, requested_by
        FROM wallet_operation_reuses
       WHERE operation_id = $1 AND wallet_id = $2
       ORDER BY detected_at
       LIMIT 1""";

  static final String LIST_OPERATIONS = "SELECT " + OPERATION_COLUMNS + """
       FROM wallet_operations
      WHERE wallet_id = $1 AND id < $2
      ORDER BY id DESC
      LIMIT $3""";

  private WalletSql() {
  }
}
