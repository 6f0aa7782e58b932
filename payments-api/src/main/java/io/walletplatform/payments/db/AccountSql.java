package io.walletplatform.payments.db;

/** The SQL of accounts and their transactions. */
final class AccountSql {

  static final String ACCOUNT_COLUMNS = "user_id, balance_minor, version, created_at, updated_at, metadata";

  static final String INSERT_ACCOUNT = "INSERT INTO accounts (user_id, balance_minor, metadata) VALUES ($1, $2, $3::jsonb)"
      + " RETURNING "
      + ACCOUNT_COLUMNS;

  static final String FIND_ACCOUNT = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE user_id = $1";

  static final String CREDIT = """
      UPDATE accounts SET balance_minor = balance_minor + $2, version = version + 1, updated_at = now()
       WHERE user_id = $1
      RETURNING\s""" + ACCOUNT_COLUMNS;

  /**
   * One conditional statement: the row lock makes a concurrent deposit wait, and PostgreSQL
   * re-evaluates the condition on the row as that deposit left it, so it never fails spuriously.
   */
  static final String DEBIT_IF_COVERED = """
      UPDATE accounts SET balance_minor = balance_minor - $2, version = version + 1, updated_at = now()
       WHERE user_id = $1 AND balance_minor >= $2
      RETURNING\s""" + ACCOUNT_COLUMNS;

  static final String ACCOUNT_EXISTS = "SELECT 1 FROM accounts WHERE user_id = $1";

  static final String FIND_DECISION = "SELECT status, failure_reason FROM payment_decisions WHERE order_id = $1";

  static final String INSERT_DECISION = """
      INSERT INTO payment_decisions (order_id, user_id, status, failure_reason) VALUES ($1, $2, $3, $4)""";

  /** An order's PAYMENT or REFUND: at most one of each (unique (order_id, type)). */
  static final String FIND_ORDER_TRANSACTION = """
      SELECT user_id, amount_minor FROM account_transactions WHERE order_id = $1 AND type = $2""";

  static final String TRANSACTION_COLUMNS =
      "id, transaction_id, type, amount_minor, order_id, balance_after_minor, requested_by, created_at";

  static final String INSERT_TRANSACTION = """
      INSERT INTO account_transactions (transaction_id, user_id, type, amount_minor, order_id, balance_after_minor,
                                        requested_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  /** An account's transactions before the cursor ($2), newest first, that meet {@code filters} (from $4 on). */
  static String listTransactions(String filters) {
    return "SELECT " + TRANSACTION_COLUMNS + """
         FROM account_transactions
        WHERE user_id = $1 AND id < $2""" + filters + """

        ORDER BY id DESC
        LIMIT $3""";
  }

  private AccountSql() {
  }
}
