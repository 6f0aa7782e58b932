package io.walletplatform.webhooks.db;

/** The webhooks database's SQL (see {@code db/webhooks/changes/001-subscriptions-and-deliveries.sql}). */
final class WebhookSql {

  /** Serialises the creations of one principal, so that the limit holds under concurrent requests. */
  static final String LOCK_PRINCIPAL = "SELECT pg_advisory_xact_lock(hashtext('webhooks:' || $1))";

  /** The event types each principal's live webhooks listen to (what the interest topic publishes). */
  static final String INTEREST = """
      SELECT principal, array_agg(DISTINCT event_type) AS event_types
        FROM webhook_subscriptions, unnest(event_types) AS event_type
       WHERE deleted_at IS NULL AND disabled_at IS NULL
       GROUP BY principal""";

  static final String COUNT_ACTIVE = """
      SELECT count(*) AS active FROM webhook_subscriptions WHERE principal = $1 AND deleted_at IS NULL""";

  static final String INSERT = """
      INSERT INTO webhook_subscriptions (webhook_id, principal, url, event_types, secret)
      VALUES ($1, $2, $3, $4, $5)
      RETURNING created_at""";

  static final String COLUMNS = "webhook_id, principal, url, event_types, created_at, disabled_at, disabled_reason";

  static final String LIST = "SELECT " + COLUMNS + """
       FROM webhook_subscriptions
      WHERE principal = $1 AND deleted_at IS NULL
      ORDER BY created_at DESC, webhook_id""";

  /** $2 null: any principal's (admin). */
  static final String FIND = "SELECT " + COLUMNS + """
       FROM webhook_subscriptions
      WHERE webhook_id = $1 AND ($2::text IS NULL OR principal = $2) AND deleted_at IS NULL""";

  static final String DELETE = """
      UPDATE webhook_subscriptions SET deleted_at = now()
       WHERE webhook_id = $1 AND ($2::text IS NULL OR principal = $2) AND deleted_at IS NULL""";

  /** Nothing more is sent to a deleted webhook: what was still pending ends FAILED. */
  static final String FAIL_PENDING_OF = """
      UPDATE webhook_deliveries SET status = 'FAILED', last_error = 'the webhook was deleted', next_attempt_at = NULL
       WHERE webhook_id = $1 AND status = 'PENDING'""";

  static final String DELIVERY_COLUMNS = """
      id, delivery_id, event_id, event_type, status, attempts, last_status_code, last_error, next_attempt_at,
      created_at, delivered_at""";

  static final String LIST_DELIVERIES = "SELECT " + DELIVERY_COLUMNS + """
       FROM webhook_deliveries
      WHERE webhook_id = $1 AND id < $2
      ORDER BY id DESC
      LIMIT $3""";

  /** Due now, whatever its status; the statement wakes the dispatchers at commit. */
  static final String RETRY = """
      WITH retried AS (
        UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = now()
         WHERE delivery_id = $1 AND webhook_id = $2
        RETURNING\s""" + DELIVERY_COLUMNS + """
      )
      SELECT retried.*, pg_notify('webhook_deliveries', '') FROM retried""";

  /**
   * One delivery per live subscription of each event's principal to its type; an event read twice
   * (the consumer is at least once) makes none the second time, in this statement or a later one.
   */
  static final String INSERT_DELIVERIES = """
      INSERT INTO webhook_deliveries (delivery_id, webhook_id, event_id, event_type, body, status, next_attempt_at)
      SELECT gen_random_uuid(), s.webhook_id, e.event_id, e.event_type, e.body, 'PENDING', now()
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
             WITH ORDINALITY AS e(event_id, event_type, body, principal, ordinal)
        JOIN webhook_subscriptions s
          ON s.principal = e.principal AND s.deleted_at IS NULL AND s.disabled_at IS NULL
         AND e.event_type = ANY (s.event_types)
       ORDER BY e.ordinal
      ON CONFLICT (webhook_id, event_id) DO NOTHING""";

  /**
   * Claims due deliveries for one attempt: they are not due again for the lease, so no other
   * dispatcher sends them meanwhile; $2: webhooks, $4: principals this dispatcher has enough of already.
   */
  static final String CLAIM = """
      WITH due AS (
        SELECT d.id
          FROM webhook_deliveries d
          JOIN webhook_subscriptions s ON s.webhook_id = d.webhook_id
         WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND d.webhook_id <> ALL ($2::uuid[])
           AND s.principal <> ALL ($4::text[])
         ORDER BY d.next_attempt_at
         LIMIT $1
           FOR UPDATE OF d SKIP LOCKED)
      UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $3)
        FROM due, webhook_subscriptions s
       WHERE d.id = due.id AND s.webhook_id = d.webhook_id
      RETURNING d.id, d.delivery_id, d.webhook_id, d.event_id, d.body, d.attempts, d.created_at, s.url, s.secret,
                s.deleted_at IS NOT NULL AS deleted, s.disabled_at IS NOT NULL AS disabled, s.principal""";

  /**
   * Disables a webhook whose receiver timed out too often ($1 the webhook, $2 why, $3 the event id):
   * what it had pending ends FAILED, and a webhook.disabled event becomes a delivery to each of the
   * owner's other live webhooks that listen for it; the inserts wake the dispatchers at commit.
   * Nothing happens to a webhook already deleted or disabled (another dispatcher got there first).
   */
  static final String DISABLE = """
      WITH disabled AS (
        UPDATE webhook_subscriptions SET disabled_at = now(), disabled_reason = $2
         WHERE webhook_id = $1 AND deleted_at IS NULL AND disabled_at IS NULL
        RETURNING webhook_id, principal, url, disabled_at),
      failed AS (
        UPDATE webhook_deliveries SET status = 'FAILED', last_error = 'the webhook was disabled: ' || $2,
               next_attempt_at = NULL
         WHERE webhook_id IN (SELECT webhook_id FROM disabled) AND status = 'PENDING'
        RETURNING 1),
      notified AS (
        INSERT INTO webhook_deliveries (delivery_id, webhook_id, event_id, event_type, body, status, next_attempt_at)
        SELECT gen_random_uuid(), s.webhook_id, $3, 'webhook.disabled',
               json_build_object('type', 'webhook.disabled', 'id', $3::text,
                 'timestamp', to_char(d.disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                 'data', json_build_object('webhookId', d.webhook_id, 'url', d.url, 'reason', $2,
                   'disabledAt', to_char(d.disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text,
               'PENDING', now()
          FROM disabled d
          JOIN webhook_subscriptions s
            ON s.principal = d.principal AND s.webhook_id <> d.webhook_id AND s.deleted_at IS NULL
           AND s.disabled_at IS NULL AND 'webhook.disabled' = ANY (s.event_types)
        ON CONFLICT (webhook_id, event_id) DO NOTHING
        RETURNING 1)
      SELECT (SELECT count(*) FROM disabled) AS disabled, (SELECT count(*) FROM failed) AS failed,
             (SELECT count(*) FROM notified) AS notified""";

  /** Deletes up to $2 finished deliveries created before $1, oldest first; how many is the row count. */
  static final String PRUNE = """
      DELETE FROM webhook_deliveries
       WHERE id IN (SELECT id FROM webhook_deliveries
                     WHERE status <> 'PENDING' AND created_at < $1
                     ORDER BY created_at
                     LIMIT $2)""";

  /**
   * A revoked client's webhooks end as a deletion does: deleted, and what they had pending FAILED
   * (issue #30: a revocation used to leave them sending). $1: the revoked principals.
   */
  static final String DELETE_REVOKED = """
      WITH revoked AS (
        UPDATE webhook_subscriptions SET deleted_at = now()
         WHERE principal = ANY ($1::text[]) AND deleted_at IS NULL
        RETURNING webhook_id)
      UPDATE webhook_deliveries SET status = 'FAILED', last_error = 'the principal was revoked', next_attempt_at = NULL
       WHERE webhook_id IN (SELECT webhook_id FROM revoked) AND status = 'PENDING'""";

  /** Records attempts: status, attempts + 1, the answer, when the next is due. */
  static final String RECORD_ATTEMPTS = """
      UPDATE webhook_deliveries d
         SET status = r.status, attempts = d.attempts + 1, last_status_code = r.status_code, last_error = r.error,
             next_attempt_at = r.next_attempt_at,
             delivered_at = CASE WHEN r.status = 'DELIVERED' THEN now() ELSE d.delivered_at END
        FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
             AS r(id, status, status_code, error, next_attempt_at)
       WHERE d.id = r.id""";

  static final String OLDEST_PENDING = """
      SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
        FROM webhook_deliveries WHERE status = 'PENDING'""";

  private WebhookSql() {
  }
}
