package io.walletplatform.common.db;

import io.vertx.pgclient.PgException;
import io.walletplatform.common.errors.InvalidRecordException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures that may pass by themselves from those that will fail the same way every time.
 * Consumers ask {@link #isPermanent}: only a data error (a record that does not decode, SQLSTATE
 * class 22 or 23 other than a unique violation, which a retry finds already done) can never pass;
 * everything else, a read-only standby after a failover (25006), a rotated password (28P01), a
 * missing grant or table during a deploy (42501, 42P01), a broker or database down, is retried until
 * it passes. The HTTP layer asks {@link #isTransient}: which failures of a dependency deserve a 503.
 */
public final class Failures {

  /** SQLSTATE classes: connection, transaction rollback, resources, operator intervention, system, authorization. */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "28", "40", "53", "57", "58");
  /** SQLSTATE classes of data errors: data exception, integrity constraint violation. */
  private static final Set<String> DATA_CLASSES = Set.of("22", "23");

  private Failures() {
  }

  public static boolean isTransient(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (TRANSIENT_CLASSES.contains(state.substring(0, 2)) || "55P03".equals(state)
            || "25006".equals(state));
      }
      if (cause instanceof IOException || cause instanceof TimeoutException) {
        return true;
      }
      String name = cause.getClass().getSimpleName();
      if (name.contains("Closed") || name.contains("Timeout") || name.contains("Connect")
          || name.contains("NoStackTraceThrowable") || name.contains("Retriable")) {
        return true;
      }
    }
    return false;
  }

  /** True only for an error that applying the same record again can never get past. */
  public static boolean isPermanent(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidRecordException) {
        return true;
      }
      if (cause instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && state.length() == 5 && DATA_CLASSES.contains(state.substring(0, 2))
            && !SqlStates.UNIQUE_VIOLATION.equals(state);
      }
    }
    return false;
  }
}
