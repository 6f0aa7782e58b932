package io.walletplatform.common.inbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Event ids already processed, recorded inside the processing transaction. */
public final class Inbox {

  private static final String RECORD = """
      INSERT INTO inbox (event_id, topic) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING""";

  private Inbox() {
  }

  /** True the first time an event id is recorded; false for a duplicate. */
  public static Future<Boolean> recordFirstSeen(SqlClient tx, UUID eventId, String topic) {
    return tx.preparedQuery(RECORD).execute(Tuple.of(eventId, topic)).map(rows -> rows.rowCount() == 1);
  }
}
