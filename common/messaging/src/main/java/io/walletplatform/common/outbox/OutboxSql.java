package io.walletplatform.common.outbox;

/** The outbox table's SQL (see the shared changelog {@code db/shared/outbox-inbox-idempotency.sql}). */
final class OutboxSql {

  static final String INSERT = """
      INSERT INTO outbox (event_id, aggregate_type, aggregate_id, topic, event_type, payload, traceparent, principal)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

  /** Many rows in one statement; ORDER BY ordinality keeps their ids (the publish order) in list order. */
  static final String INSERT_ALL = """
      INSERT INTO outbox (event_id, aggregate_type, aggregate_id, topic, event_type, payload, traceparent, principal)
      SELECT e.event_id, e.aggregate_type, e.aggregate_id, e.topic, e.event_type, e.payload, e.traceparent, e.principal
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             WITH ORDINALITY AS e(event_id, aggregate_type, aggregate_id, topic, event_type, payload, traceparent,
                                  principal, ordinal)
       ORDER BY e.ordinal""";

  static final String UNPUBLISHED = """
      SELECT id, event_id, aggregate_id, topic, event_type, payload, traceparent, principal
        FROM outbox
       WHERE published_at IS NULL
       ORDER BY id
       LIMIT $1""";

  static final String MARK_PUBLISHED = """
      UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])""";

  static final String DELETE_PUBLISHED = """
      DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)""";

  static final String TRY_LEAD = "SELECT pg_try_advisory_lock($1)";

  private OutboxSql() {
  }
}
