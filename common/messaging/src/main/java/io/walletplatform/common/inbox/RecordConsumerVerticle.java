package io.walletplatform.common.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.kafka.BatchingConsumer;
import io.walletplatform.common.kafka.KafkaConsumerLoop;

import java.util.List;

/**
 * A consumer of raw records on the shared loop ({@link KafkaConsumerLoop}, eager: a batch as soon as
 * records arrive) with a PostgreSQL pool of its own: the wiring the services' consumers share. A
 * subclass says only what a batch does ({@link #apply}) and which records can never be applied
 * ({@link #check}); the loop orders, retries, isolates and dead-letters, and commits offsets only after
 * {@code apply} succeeded.
 */
public abstract class RecordConsumerVerticle extends VerticleBase {

  protected final InboxConsumerSettings settings;
  protected final MeterRegistry registry;
  private final String name;
  /** Open from {@link #starting()} on. */
  protected Pool pool;
  private KafkaConsumerLoop<KafkaConsumerRecord<String, byte[]>> loop;

  protected RecordConsumerVerticle(String name, InboxConsumerSettings settings, MeterRegistry registry) {
    this.name = name;
    this.settings = settings;
    this.registry = registry;
  }

  /** The records of one batch, in partition order: all applied, or the future fails. */
  protected abstract Future<Void> apply(List<KafkaConsumerRecord<String, byte[]>> records);

  /** Throws {@link InvalidRecordException} for a record that can never be applied: it is dead-lettered. */
  protected abstract void check(KafkaConsumerRecord<String, byte[]> record);

  /** Before the first batch, the pool open: the subclass's meters and whatever else it needs. */
  protected void starting() {
  }

  /** What the subclass hears of the loop (dead letters, passes). */
  protected BatchingConsumer.Listener listener() {
    return new BatchingConsumer.Listener() {
    };
  }

  protected final String name() {
    return name;
  }

  @Override
  public final Future<?> start() {
    pool = PgPools.create(vertx, settings.pg(), name);
    starting();
    BatchingConsumer.Settings core = new BatchingConsumer.Settings(settings.maxBatchRecords(),
        settings.maxBatchRecords() * 4, true, settings.maxAttempts(), settings.maxDeadLetterAttempts(),
        settings.minBackoff().toMillis(), settings.maxBackoff().toMillis());
    KafkaConsumerLoop.Options options = new KafkaConsumerLoop.Options(name, settings.topic(), settings.groupId(),
        settings.kafka(), core, settings.tick().toMillis(), 0);
    KafkaConsumerLoop.Codec<KafkaConsumerRecord<String, byte[]>> codec = new KafkaConsumerLoop.Codec<>(
        record -> record, KafkaConsumerRecord::key, record -> record);
    BatchingConsumer.Handler<KafkaConsumerRecord<String, byte[]>> handler = new BatchingConsumer.Handler<>() {
      @Override
      public Future<Void> apply(List<KafkaConsumerRecord<String, byte[]>> records) {
        return RecordConsumerVerticle.this.apply(records);
      }

      @Override
      public Throwable undecodable(KafkaConsumerRecord<String, byte[]> record) {
        try {
          check(record);
          return null;
        } catch (InvalidRecordException e) {
          return e;
        }
      }
    };
    return KafkaConsumerLoop.start(vertx, options, codec, handler, pool, KafkaConsumerLoop.BeforeCommit.NONE, registry,
            listener())
        .onSuccess(started -> loop = started);
  }

  @Override
  public final Future<?> stop() {
    Future<Void> stopped = loop == null ? Future.succeededFuture() : loop.stop();
    return stopped.eventually(() -> pool.close());
  }
}
