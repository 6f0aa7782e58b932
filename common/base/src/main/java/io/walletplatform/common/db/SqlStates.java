package io.walletplatform.common.db;

import io.vertx.pgclient.PgException;

/** PostgreSQL error codes the services act on. */
public final class SqlStates {

  public static final String UNIQUE_VIOLATION = "23505";

  private SqlStates() {
  }

  public static boolean isUniqueViolation(Throwable error) {
    return error instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }
}
