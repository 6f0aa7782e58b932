package io.walletplatform.common.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Writes outbox rows through the caller's transaction, next to the business rows they report. */
public final class Outbox {

  private Outbox() {
  }

  public static Future<Void> append(SqlClient tx, OutboxEvent event) {
    return tx.preparedQuery(OutboxSql.INSERT)
        .execute(Tuple.of(event.eventId(), event.aggregateType(), event.aggregateId(), event.topic(),
            event.eventType(), event.payload()))
        .mapEmpty();
  }
}
