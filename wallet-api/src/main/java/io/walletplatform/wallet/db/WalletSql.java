package io.walletplatform.wallet.db;

/** The SQL wallet-api runs: reads, and the insert of a new wallet. */
final class WalletSql {

  static final String INSERT_WALLET = """
      INSERT INTO wallets (wallet_id, balance_minor, version, created_at, updated_at)
      VALUES ($1, $2, 0, now(), now())
      RETURNING wallet_id, balance_minor, version, created_at, updated_at""";

  static final String FIND_WALLET = """
      SELECT wallet_id, balance_minor, version, created_at, updated_at FROM wallets WHERE wallet_id = $1""";

  static final String OPERATION_COLUMNS = """
      id, operation_id, wallet_id, operation_type, amount_minor, status, failure_reason, balance_after_minor,
      accepted_at, processed_at""";

  static final String FIND_OPERATION = "SELECT " + OPERATION_COLUMNS
      + " FROM wallet_operations WHERE operation_id = $1";

  /** The first time this operationId was reused for this wallet after it had been applied with other content. */
  static final String FIND_REUSE = """
      SELECT operation_id, wallet_id, operation_type, amount_minor, accepted_at, detected_at
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
