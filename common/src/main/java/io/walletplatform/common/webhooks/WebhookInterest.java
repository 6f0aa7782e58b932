package io.walletplatform.common.webhooks;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.util.VertxLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which principals listen to which event types: what every process that records platform events
 * asks before it writes one, so that nothing is recorded for a principal without a matching
 * subscription and the hot path pays one hash lookup when nobody listens.
 *
 * <p>One per Vert.x instance and webhooks database: loaded at start, reloaded when a subscription
 * changes (a trigger NOTIFYs at commit) and every {@link #RELOAD_MS} in case a notification was missed
 * (a reconnect). Until the first load succeeds the answer is "yes, record": an event recorded for
 * nobody is dropped by the dispatcher, one not recorded would be lost.
 */
public final class WebhookInterest implements Shareable {

  public static final String CHANNEL = "webhook_subscriptions";
  static final long RELOAD_MS = 5_000;

  private static final Logger log = LoggerFactory.getLogger(WebhookInterest.class);
  private static final String LOAD = """
      SELECT DISTINCT principal, unnest(event_types) AS event_type
        FROM webhook_subscriptions
       WHERE deleted_at IS NULL AND disabled_at IS NULL""";

  /** null until loaded. */
  private volatile Map<String, Set<String>> byPrincipal;

  private WebhookInterest() {
  }

  /**
   * The instance's interest in the webhooks database of {@code pg}, started once per Vert.x
   * instance: {@code migrate} brings that database to its schema first.
   */
  public static Future<WebhookInterest> start(Vertx vertx, PgSettings pg, Supplier<Future<Void>> migrate) {
    return VertxLocal.get(vertx, "webhook-interest:" + pg.database(), () -> new Starting(vertx, pg, migrate)).future;
  }

  /** Whether an event of {@code type} for {@code principal} must be recorded. */
  public boolean wants(String principal, String type) {
    Map<String, Set<String>> current = byPrincipal;
    if (current == null) {
      return true;
    }
    if (principal == null) {
      return false;
    }
    Set<String> types = current.get(principal);
    return types != null && types.contains(type);
  }

  /** Whether anyone may listen at all (false: every event can be skipped without looking further). */
  public boolean anyone() {
    Map<String, Set<String>> current = byPrincipal;
    return current == null || !current.isEmpty();
  }

  private void replace(Iterable<Row> rows) {
    Map<String, Set<String>> loaded = new HashMap<>();
    for (Row row : rows) {
      loaded.computeIfAbsent(row.getString("principal"), ignored -> new HashSet<>()).add(row.getString("event_type"));
    }
    byPrincipal = loaded;
  }

  private static final class Starting implements Shareable {
    final Future<WebhookInterest> future;

    Starting(Vertx vertx, PgSettings pg, Supplier<Future<Void>> migrate) {
      WebhookInterest interest = new WebhookInterest();
      future = migrate.get().compose(ignored -> vertx.deployVerticle(new Loader(interest, pg),
          new DeploymentOptions())).map(interest);
    }
  }

  /** Keeps the interest current; a verticle of its own, so its pool and timer live as long as the instance. */
  private static final class Loader extends VerticleBase {
    private final WebhookInterest interest;
    private final PgSettings pg;
    private Pool pool;
    private PgSubscriber subscriber;
    private boolean loading;
    private boolean again;

    Loader(WebhookInterest interest, PgSettings pg) {
      this.interest = interest;
      this.pg = pg;
    }

    @Override
    public Future<?> start() {
      pool = PgPools.create(vertx, new PgSettings(pg.host(), pg.port(), pg.user(), pg.password(), pg.database(), 1),
          "webhook-interest");
      subscriber = PgSubscriber.subscriber(vertx, PgPools.connectOptions(pg)).reconnectPolicy(attempt -> 1_000L);
      subscriber.channel(CHANNEL).handler(payload -> reload()).subscribeHandler(ignored -> reload());
      vertx.setPeriodic(RELOAD_MS, id -> reload());
      subscriber.connect().onFailure(error -> log.warn("webhook interest could not LISTEN, reloading every {} ms: {}",
          RELOAD_MS, error.getMessage()));
      // The first load is waited for (a short outage only delays it: until then every event is recorded).
      return load().otherwiseEmpty();
    }

    private void reload() {
      if (loading) {
        again = true;
        return;
      }
      load();
    }

    private Future<Void> load() {
      loading = true;
      again = false;
      return pool.query(LOAD).execute()
          .onSuccess(interest::replace)
          .onFailure(error -> log.warn("webhook interest reload failed, keeping the last one: {}", error.toString()))
          .<Void>mapEmpty()
          .onComplete(ignored -> {
            loading = false;
            if (again) {
              reload();
            }
          });
    }

    @Override
    public Future<?> stop() {
      return Future.join(subscriber.close(), pool.close());
    }
  }
}
