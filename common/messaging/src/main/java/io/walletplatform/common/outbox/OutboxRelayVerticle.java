package io.walletplatform.common.outbox;

import io.walletplatform.common.util.SingleFlight;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a database's outbox rows to Kafka, in id order, and marks them published only after
 * the broker acknowledged them. It is woken the moment a transaction that wrote outbox rows
 * commits (a trigger NOTIFYs the {@code outbox} channel, which PostgreSQL delivers at commit), and
 * it also sweeps periodically for rows nobody woke it for.
 *
 * <p>Of all relays of one database, only the holder of a session advisory lock publishes, so two
 * instances never publish the same row at the same time and per-key order is kept; if the holder
 * dies its session ends, the lock is released, and another relay takes over at its next sweep.
 * A crash between the acknowledgement and the marking publishes those rows again: consumers
 * deduplicate by event id.
 */
public final class OutboxRelayVerticle extends VerticleBase {

  public static final String CHANNEL = "outbox";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelayVerticle.class);

  private final OutboxRelaySettings settings;
  private final MeterRegistry registry;
  private final Faults faults;

  private Pool pool;
  private PgSubscriber subscriber;
  private KafkaProducer<String, String> producer;
  private SqlConnection leadership;
  private long timerId;
  private long cleanupTimerId;
  private Future<Void> currentCleanup = Future.succeededFuture();
  /** One round at a time; a wake-up during a round brings one more after it. */
  private final SingleFlight rounds = new SingleFlight(this::round);
  private boolean stopping;
  private Counter published;
  private Counter failures;
  private Tracing tracing;

  public OutboxRelayVerticle(OutboxRelaySettings settings, MeterRegistry registry, Faults faults) {
    this.settings = settings;
    this.registry = registry;
    this.faults = faults;
  }

  @Override
  public Future<?> start() {
    tracing = Tracing.of(vertx);
    published = Counter.builder("outbox_events_published").tag("outbox", settings.name()).register(registry);
    failures = Counter.builder("outbox_relay_failures").description("Relay rounds that failed and wait for the next wake-up")
        .tag("outbox", settings.name()).register(registry);
    pool = PgPools.create(vertx, settings.pg(), "outbox-relay-" + settings.name());
    producer = KafkaProducer.createShared(vertx, "outbox-relay-" + settings.name() + "@" + settings.kafka().bootstrapServers(),
        KafkaClients.options(KafkaClients.producerConfig(settings.kafka(), "outbox-relay-" + settings.name())));
    subscriber = PgSubscriber.subscriber(vertx, PgPools.connectOptions(settings.pg()))
        .reconnectPolicy(attempt -> 1_000L);
    subscriber.channel(CHANNEL).handler(payload -> wake());
    timerId = vertx.setPeriodic(settings.sweepInterval().toMillis(), id -> wake());
    cleanupTimerId = vertx.setPeriodic(settings.cleanupInterval().toMillis(), id -> cleanup());
    // Without notifications the relay still publishes, only later: a failed LISTEN must not stop the service.
    return subscriber.connect()
        .onFailure(error -> log.warn("outbox {} relay could not LISTEN, relying on sweeps: {}", settings.name(), error.getMessage()))
        .otherwiseEmpty()
        .onComplete(ignored -> wake());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    vertx.cancelTimer(cleanupTimerId);
    return Future.join(rounds.stop(), currentCleanup.otherwiseEmpty()).eventually(() -> {
      List<Future<?>> closing = new ArrayList<>();
      closing.add(subscriber.close());
      if (leadership != null) {
        closing.add(leadership.close());
      }
      closing.add(producer.close());
      closing.add(pool.close());
      return Future.join(closing);
    });
  }

  /** Publishes now; if a round is running, one more follows it. */
  public void wake() {
    rounds.wake();
  }

  private Future<Boolean> round() {
    return lead()
        .compose(leader -> leader ? publishAll() : Future.succeededFuture())
        .onFailure(error -> {
          failures.increment();
          log.warn("outbox {} relay round failed, retrying at the next sweep: {}", settings.name(), error.toString());
        })
        .map(false);
  }

  private Future<Boolean> lead() {
    if (leadership != null) {
      return Future.succeededFuture(true);
    }
    return pool.getConnection().compose(connection -> connection.preparedQuery(OutboxSql.TRY_LEAD)
        .execute(Tuple.of(lockKey()))
        .map(rows -> rows.iterator().next().getBoolean(0))
        .compose(acquired -> {
          if (!acquired) {
            return connection.close().map(false);
          }
          leadership = connection;
          connection.closeHandler(closed -> leadership = null);
          log.info("outbox {} relay is the publisher", settings.name());
          return Future.succeededFuture(true);
        }, error -> connection.close().transform(ignored -> Future.failedFuture(error))));
  }

  private long lockKey() {
    return ("outbox-relay:" + settings.name()).hashCode();
  }

  private Future<Void> publishAll() {
    return pool.preparedQuery(OutboxSql.UNPUBLISHED).execute(Tuple.of(settings.batchSize())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      List<Long> ids = new ArrayList<>(rows.size());
      List<Future<?>> sends = new ArrayList<>(rows.size());
      for (Row row : rows) {
        ids.add(row.getLong("id"));
        KafkaProducerRecord<String, String> record = KafkaProducerRecord
            .create(row.getString("topic"), row.getString("aggregate_id"), row.getString("payload"))
            .addHeader(KafkaClients.EVENT_ID_HEADER, row.getUUID("event_id").toString())
            .addHeader(KafkaClients.EVENT_TYPE_HEADER, row.getString("event_type"));
        String principal = row.getString("principal");
        if (principal != null) {
          record.addHeader(KafkaClients.PRINCIPAL_HEADER, principal);
        }
        Span publish = tracing.publish(record, row.getString("traceparent"));
        sends.add(producer.send(record).andThen(sent -> Tracing.end(publish, sent.cause())));
      }
      boolean full = rows.size() == settings.batchSize();
      return Future.all(sends)
          .compose(acknowledged -> faults.beforeMarkingPublished(ids))
          .compose(ignored -> pool.preparedQuery(OutboxSql.MARK_PUBLISHED).execute(Tuple.of(ids.toArray(Long[]::new))))
          .compose(marked -> {
            published.increment(ids.size());
            return full && !stopping ? publishAll() : Future.succeededFuture();
          });
    });
  }

  /**
   * Keeps the outbox bounded: published rows go. The leader
   * does it on its own timer and connection, beside publishing rather than inside a round, so a
   * large delete never holds up the events behind it.
   */
  private void cleanup() {
    if (!currentCleanup.isComplete() || stopping || leadership == null) {
      return;
    }
    currentCleanup = pool.preparedQuery(OutboxSql.DELETE_PUBLISHED)
        .execute(Tuple.of((double) settings.publishedRetention().toSeconds()))
        .<Void>mapEmpty()
        .onFailure(error -> log.warn("outbox {} cleanup failed, retrying at the next interval: {}", settings.name(),
            error.toString()));
  }
}
