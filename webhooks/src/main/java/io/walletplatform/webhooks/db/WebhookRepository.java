package io.walletplatform.webhooks.db;

import io.walletplatform.webhooks.domain.PlatformEventRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.webhooks.domain.Delivery;
import io.walletplatform.webhooks.domain.Subscription;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Subscriptions and deliveries; each method is one statement. */
public final class WebhookRepository {

  /** A delivery claimed for one attempt, with what sending it needs. */
  public record Claimed(long id, UUID deliveryId, UUID webhookId, UUID eventId, String body, int attempts,
                        Instant createdAt, String url, String secret, boolean deleted, boolean disabled, String principal) {
  }

  /** A page of deliveries, newest first; {@code lastId} the cursor of the next, or null. */
  public record DeliveryPage(List<Delivery> items, Long lastId) {
  }

  /** The outcome of one attempt, to record. */
  public record Attempt(long id, Delivery.Status status, Integer statusCode, String error, Instant nextAttemptAt) {
  }

  public Future<Void> lockPrincipal(SqlClient tx, String principal) {
    return tx.preparedQuery(WebhookSql.LOCK_PRINCIPAL).execute(Tuple.of(principal)).mapEmpty();
  }

  public Future<Long> countActive(SqlClient tx, String principal) {
    return tx.preparedQuery(WebhookSql.COUNT_ACTIVE).execute(Tuple.of(principal))
        .map(rows -> rows.iterator().next().getLong("active"));
  }

  public Future<Instant> insert(SqlClient tx, UUID webhookId, String principal, String url, List<String> events,
                                String secret) {
    return tx.preparedQuery(WebhookSql.INSERT)
        .execute(Tuple.of(webhookId, principal, url, events.toArray(String[]::new), secret))
        .map(rows -> rows.iterator().next().getOffsetDateTime("created_at").toInstant());
  }

  public Future<List<Subscription>> list(SqlClient client, String principal) {
    return client.preparedQuery(WebhookSql.LIST).execute(Tuple.of(principal)).map(rows -> {
      List<Subscription> subscriptions = new ArrayList<>();
      rows.forEach(row -> subscriptions.add(subscription(row)));
      return subscriptions;
    });
  }

  /** The live subscription, the principal's own ({@code principal} null: anyone's), or null. */
  public Future<Subscription> find(SqlClient client, UUID webhookId, String principal) {
    return client.preparedQuery(WebhookSql.FIND).execute(Tuple.of(webhookId, principal))
        .map(rows -> rows.size() == 0 ? null : subscription(rows.iterator().next()));
  }

  public Future<Boolean> delete(SqlClient tx, UUID webhookId, String principal) {
    return tx.preparedQuery(WebhookSql.DELETE).execute(Tuple.of(webhookId, principal))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : tx.preparedQuery(WebhookSql.FAIL_PENDING_OF).execute(Tuple.of(webhookId)).map(true));
  }

  public Future<List<Delivery>> deliveries(SqlClient client, UUID webhookId, long beforeId, int limit) {
    return client.preparedQuery(WebhookSql.LIST_DELIVERIES).execute(Tuple.of(webhookId, beforeId, limit)).map(rows -> {
      List<Delivery> deliveries = new ArrayList<>();
      rows.forEach(row -> deliveries.add(delivery(row)));
      return deliveries;
    });
  }

  /** The delivery, due now, or null when the webhook has no such delivery. */
  public Future<Delivery> retry(SqlClient client, UUID deliveryId, UUID webhookId) {
    return client.preparedQuery(WebhookSql.RETRY).execute(Tuple.of(deliveryId, webhookId))
        .map(rows -> rows.size() == 0 ? null : delivery(rows.iterator().next()));
  }

  /** Makes the events' deliveries in one statement; how many were new. */
  public Future<Integer> insertDeliveries(SqlClient client, List<PlatformEventRecord> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(0);
    }
    int size = events.size();
    UUID[] ids = new UUID[size];
    String[] types = new String[size];
    String[] bodies = new String[size];
    String[] principals = new String[size];
    for (int i = 0; i < size; i++) {
      PlatformEventRecord event = events.get(i);
      ids[i] = event.eventId();
      types[i] = event.type();
      bodies[i] = event.body();
      principals[i] = event.principal();
    }
    return client.preparedQuery(WebhookSql.INSERT_DELIVERIES).execute(Tuple.of(ids, types, bodies, principals))
        .map(rows -> rows.rowCount());
  }

  /** Due deliveries, except those of the webhooks and principals this dispatcher has enough of. */
  public Future<List<Claimed>> claim(SqlClient client, int limit, Collection<UUID> saturated,
                                     Collection<String> saturatedPrincipals, long leaseMs) {
    return client.preparedQuery(WebhookSql.CLAIM)
        .execute(Tuple.of(limit, saturated.toArray(UUID[]::new), leaseMs / 1000.0,
            saturatedPrincipals.toArray(String[]::new)))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>(rows.size());
          for (Row row : rows) {
            claimed.add(new Claimed(row.getLong("id"), row.getUUID("delivery_id"), row.getUUID("webhook_id"),
                row.getUUID("event_id"), row.getString("body"), row.getInteger("attempts"),
                row.getOffsetDateTime("created_at").toInstant(), row.getString("url"), row.getString("secret"),
                row.getBoolean("deleted"), row.getBoolean("disabled"), row.getString("principal")));
          }
          return claimed;
        });
  }

  /** The event types each principal's live (neither deleted nor disabled) webhooks listen to. */
  public Future<Map<String, Set<String>>> interest(SqlClient client) {
    return client.query(WebhookSql.INTEREST).execute().map(rows -> {
      Map<String, Set<String>> interest = new HashMap<>();
      for (Row row : rows) {
        interest.put(row.getString("principal"), Set.of(row.getArrayOfStrings("event_types")));
      }
      return interest;
    });
  }

  /** Deletes the revoked principals' webhooks and fails what they had pending; the deliveries failed. */
  public Future<Integer> deleteRevoked(SqlClient client, Collection<String> principals) {
    return client.preparedQuery(WebhookSql.DELETE_REVOKED).execute(Tuple.of((Object) principals.toArray(String[]::new)))
        .map(rows -> rows.rowCount());
  }

  /** Disables the webhook (see {@link WebhookSql#DISABLE}); false when it was already deleted or disabled. */
  public Future<Boolean> disable(SqlClient client, UUID webhookId, String reason) {
    return client.preparedQuery(WebhookSql.DISABLE).execute(Tuple.of(webhookId, reason, UUID.randomUUID()))
        .map(rows -> rows.iterator().next().getLong("disabled") > 0);
  }

  /** Deletes up to {@code limit} finished deliveries created before {@code before}; how many were. */
  public Future<Integer> prune(SqlClient client, Instant before, int limit) {
    return client.preparedQuery(WebhookSql.PRUNE).execute(Tuple.of(before.atOffset(ZoneOffset.UTC), limit))
        .map(rows -> rows.rowCount());
  }

  public Future<Void> recordAttempts(SqlClient client, List<Attempt> attempts) {
    int size = attempts.size();
    Long[] ids = new Long[size];
    String[] statuses = new String[size];
    Integer[] codes = new Integer[size];
    String[] errors = new String[size];
    OffsetDateTime[] next = new OffsetDateTime[size];
    for (int i = 0; i < size; i++) {
      Attempt attempt = attempts.get(i);
      ids[i] = attempt.id();
      statuses[i] = attempt.status().name();
      codes[i] = attempt.statusCode();
      errors[i] = attempt.error();
      next[i] = attempt.nextAttemptAt() == null ? null : attempt.nextAttemptAt().atOffset(ZoneOffset.UTC);
    }
    return client.preparedQuery(WebhookSql.RECORD_ATTEMPTS).execute(Tuple.of(ids, statuses, codes, errors, next))
        .mapEmpty();
  }

  public Future<Double> oldestPendingAgeSeconds(SqlClient client) {
    return client.preparedQuery(WebhookSql.OLDEST_PENDING).execute()
        .map(rows -> rows.iterator().next().getDouble("age"));
  }

  private static Subscription subscription(Row row) {
    return new Subscription(row.getUUID("webhook_id"), row.getString("principal"), row.getString("url"),
        Arrays.asList(row.getArrayOfStrings("event_types")), row.getOffsetDateTime("created_at").toInstant(),
        instant(row.getOffsetDateTime("disabled_at")), row.getString("disabled_reason"));
  }

  private static Delivery delivery(Row row) {
    return new Delivery(row.getLong("id"), row.getUUID("delivery_id"), row.getUUID("event_id"),
        row.getString("event_type"), Delivery.Status.valueOf(row.getString("status")), row.getInteger("attempts"),
        row.getInteger("last_status_code"), row.getString("last_error"), instant(row.getOffsetDateTime("next_attempt_at")),
        instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("delivered_at")));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
