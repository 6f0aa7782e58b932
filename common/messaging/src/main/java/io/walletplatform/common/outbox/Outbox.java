package io.walletplatform.common.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Writes outbox rows through the caller's transaction, next to the business rows they report. */
public final class Outbox {

  private Outbox() {
  }

  /** Appends the events in one statement, in list order. */
  public static Future<Void> appendAll(SqlClient tx, java.util.List<OutboxEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    int size = events.size();
    java.util.UUID[] ids = new java.util.UUID[size];
    String[][] columns = new String[7][size];
    for (int i = 0; i < size; i++) {
      OutboxEvent event = events.get(i);
      ids[i] = event.eventId();
      columns[0][i] = event.aggregateType();
      columns[1][i] = event.aggregateId();
      columns[2][i] = event.topic();
      columns[3][i] = event.eventType();
      columns[4][i] = event.payload();
      columns[5][i] = event.traceparent();
      columns[6][i] = event.principal();
    }
    return tx.preparedQuery(OutboxSql.INSERT_ALL)
        .execute(Tuple.wrap(new Object[] {ids, columns[0], columns[1], columns[2], columns[3], columns[4], columns[5],
            columns[6]}))
        .mapEmpty();
  }

  public static Future<Void> append(SqlClient tx, OutboxEvent event) {
    return tx.preparedQuery(OutboxSql.INSERT)
        .execute(Tuple.of(event.eventId(), event.aggregateType(), event.aggregateId(), event.topic(),
            event.eventType(), event.payload(), event.traceparent(), event.principal()))
        .mapEmpty();
  }
}
