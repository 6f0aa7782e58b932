package io.walletplatform.common.db;

import io.vertx.pgclient.PgException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures that may pass by themselves (a database or broker down, a deadlock, a timeout)
 * from those that will fail the same way every time (bad data, a broken constraint). The first are
 * retried until they pass; the second only a bounded number of times.
 */
public final class Failures {

  /** SQLSTATE classes: connection, transaction rollback, resources, operator intervention, system. */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");

  private Failures() {
  }

  public static boolean isTransient(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (TRANSIENT_CLASSES.contains(state.substring(0, 2)) || "55P03".equals(state));
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
}
