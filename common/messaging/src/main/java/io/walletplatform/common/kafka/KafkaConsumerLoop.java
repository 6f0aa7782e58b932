package io.walletplatform.common.kafka;

import io.walletplatform.common.health.ConsumerReadiness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.config.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * {@link BatchingConsumer} on a real Kafka consumer: records go to the core as they arrive (on the
 * caller's Vert.x context), a periodic tick drives its batch window and backoff, fetching is paused
 * at the partition level ({@link PartitionPause}: the poll loop keeps the group membership), dead
 * letters go to {@code <topic>.dlt} and the quarantine to the service's own database. Metrics, for
 * every consumer: {@code consumer_oldest_unapplied_age_seconds}, {@code consumer_records_dead_lettered_total},
 * {@code consumer_dead_letter_failures_total}, {@code consumer_records_quarantined_total},
 * {@code consumer_records_given_up_total}, {@code consumer_failed_passes_total}, tagged {@code consumer} (the
 * age also {@code client}: each instance of a consumer holds its own records).
 */
public final class KafkaConsumerLoop<R> {

  private static final Logger log = LoggerFactory.getLogger(KafkaConsumerLoop.class);

  /** Runs right before offsets are committed; the crash tests hold or fail it. Production passes {@link #NONE}. */
  @FunctionalInterface
  public interface BeforeCommit {
    BeforeCommit NONE = offsets -> Future.succeededFuture();

    Future<Void> run(Map<TopicPartition, OffsetAndMetadata> offsets);
  }

  /**
   * @param name        the consumer's name in logs and the {@code consumer} tag of its metrics
   * @param tickMs      the batch window of a non-eager core, and how often a backoff's end is noticed
   * @param fetchWaitMs how long the broker may gather a fetch (0: answer at once)
   */
  public record Options(String name, String topic, String groupId, KafkaSettings kafka, BatchingConsumer.Settings core,
                        long tickMs, long fetchWaitMs) {
  }

  /** How the service reads a record: its own type from a Kafka record, the key that orders it, and back. */
  public record Codec<R>(Function<KafkaConsumerRecord<String, byte[]>, R> read, Function<R, Object> key,
                         Function<R, KafkaConsumerRecord<String, byte[]>> raw) {
  }

  private final Vertx vertx;
  private final Options options;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final DeadLetters deadLetters;
  private final BatchingConsumer<R> core;
  private final long timerId;
  private final ConsumerReadiness.Member readiness;
  private volatile boolean joined;

  private KafkaConsumerLoop(Vertx vertx, Options options, Codec<R> codec, BatchingConsumer.Handler<R> handler,
                            Pool quarantinePool, BeforeCommit beforeCommit, MeterRegistry registry,
                            BatchingConsumer.Listener serviceListener) {
    this.vertx = vertx;
    this.options = options;
    String clientId = options.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = KafkaConsumer.create(vertx, KafkaClients.options(KafkaClients.consumerConfig(options.kafka(),
        options.groupId(), clientId, Math.min(options.core().maxBatchRecords(), 5_000), options.fetchWaitMs())));
    consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
    consumerMetrics.bindTo(registry);
    deadLetters = DeadLetters.create(vertx, options.kafka(), options.name() + "-dlt");
    Quarantine quarantine = new Quarantine(quarantinePool, options.name());
    PartitionPause pause = new PartitionPause(consumer, options.topic());

    BatchingConsumer.Layout<R> layout = new BatchingConsumer.Layout<>(
        record -> codec.raw().apply(record).partition(), record -> codec.raw().apply(record).offset(), codec.key(),
        record -> codec.raw().apply(record).timestamp());
    BatchingConsumer.Parking<R> parking = new BatchingConsumer.Parking<>() {
      @Override
      public Future<Void> deadLetter(R record, Throwable error) {
        return deadLetters.send(codec.raw().apply(record), errorClass(error), error.getMessage());
      }

      @Override
      public Future<Void> quarantine(R record, Throwable error) {
        return quarantine.put(codec.raw().apply(record), error);
      }
    };
    BatchingConsumer.Port port = new BatchingConsumer.Port() {
      @Override
      public void pauseFetching() {
        pause.pause();
      }

      @Override
      public void resumeFetching() {
        pause.resume();
      }

      @Override
      public Future<Void> commit(Map<Integer, Long> nextOffsets) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((partition, offset) ->
            offsets.put(new TopicPartition(options.topic(), partition), new OffsetAndMetadata(offset, "")));
        return beforeCommit.run(offsets).compose(ignored -> consumer.commit(offsets).mapEmpty());
      }
    };
    core = new BatchingConsumer<>(options.name(), options.core(), layout, handler, parking, port,
        () -> System.nanoTime() / 1_000_000, ThreadLocalRandom.current(),
        listener(registry, options.name(), serviceListener));
    Gauge.builder("consumer_oldest_unapplied_age_seconds", core, KafkaConsumerLoop::oldestAgeSeconds)
        .description("Age of the oldest record this consumer holds and has not applied yet (0: none)")
        .tag("consumer", options.name()).tag("client", clientId).register(registry);

    readiness = ConsumerReadiness.member(clientId, () -> joined, () -> {
      long oldest = core.oldestPendingTimestampMs();
      return oldest <= 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    });
    consumer.partitionsAssignedHandler(partitions -> {
      joined = true;
      core.assigned(numbers(partitions));
      pause.assigned(partitions);
      log.info("{} assigned partitions {}", options.name(), numbers(partitions));
    });
    consumer.partitionsRevokedHandler(partitions -> {
      core.revoked(numbers(partitions));
      pause.revoked(partitions);
    });
    consumer.exceptionHandler(error -> log.warn("{} consumer error: {}", options.name(), error.getMessage()));
    consumer.handler(record -> core.received(codec.read().apply(record)));
    timerId = vertx.setPeriodic(options.tickMs(), id -> core.tick());
  }

  /** Subscribes; call it on the Vert.x context that is to run the loop (a verticle's start). */
  public static <R> Future<KafkaConsumerLoop<R>> start(Vertx vertx, Options options, Codec<R> codec,
                                                       BatchingConsumer.Handler<R> handler, Pool quarantinePool,
                                                       BeforeCommit beforeCommit, MeterRegistry registry,
                                                       BatchingConsumer.Listener listener) {
    KafkaConsumerLoop<R> loop = new KafkaConsumerLoop<>(vertx, options, codec, handler, quarantinePool, beforeCommit,
        registry, listener);
    ConsumerReadiness.of(vertx).add(loop.readiness);
    return loop.consumer.subscribe(options.topic()).map(loop)
        .onFailure(error -> ConsumerReadiness.of(vertx).remove(loop.readiness));
  }

  /** Finishes the pass in flight (or one last pass), then leaves the group; whatever is uncommitted is read again. */
  public Future<Void> stop() {
    ConsumerReadiness.of(vertx).remove(readiness);
    vertx.cancelTimer(timerId);
    consumer.pause();
    return core.stop()
        .compose(ignored -> consumer.close().otherwiseEmpty())
        .eventually(() -> {
          consumerMetrics.close();
          return deadLetters.close().otherwiseEmpty();
        });
  }

  /** The {@code error-class} header: {@code InvalidRecord} for a record that does not decode, as before the loop was shared. */
  static String errorClass(Throwable error) {
    return error instanceof io.walletplatform.common.errors.InvalidRecordException ? "InvalidRecord"
        : error.getClass().getSimpleName();
  }

  private static double oldestAgeSeconds(BatchingConsumer<?> core) {
    long oldest = core.oldestPendingTimestampMs();
    return oldest <= 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
  }

  private static List<Integer> numbers(Set<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::getPartition).toList();
  }

  /** The metrics every consumer has, then the service's own. */
  private static BatchingConsumer.Listener listener(MeterRegistry registry, String name,
                                                    BatchingConsumer.Listener service) {
    java.util.function.BiFunction<String, String, Counter> counter = (metric, description) ->
        Counter.builder(metric).description(description).tag("consumer", name).register(registry);
    Counter deadLettered = counter.apply("consumer_records_dead_lettered", "Records sent to the dead-letter topic");
    Counter deadLetterFailures = counter.apply("consumer_dead_letter_failures",
        "Dead-letter sends the broker refused (retried, then quarantined)");
    Counter quarantined = counter.apply("consumer_records_quarantined",
        "Records the dead-letter topic would not take, kept in the database instead");
    Counter givenUp = counter.apply("consumer_records_given_up",
        "Records that could never be applied, parked and given their final outcome");
    Counter failedPasses = counter.apply("consumer_failed_passes",
        "Passes that ended early on a failure that may pass, retried after a backoff");
    return new BatchingConsumer.Listener() {
      @Override
      public void passApplied(int records, long durationNanos) {
        service.passApplied(records, durationNanos);
      }

      @Override
      public void passFailed(int records, Throwable error) {
        failedPasses.increment();
        service.passFailed(records, error);
      }

      @Override
      public void deadLettered() {
        deadLettered.increment();
        service.deadLettered();
      }

      @Override
      public void deadLetterFailed() {
        deadLetterFailures.increment();
        service.deadLetterFailed();
      }

      @Override
      public void quarantined() {
        quarantined.increment();
        service.quarantined();
      }

      @Override
      public void gaveUp() {
        givenUp.increment();
        service.gaveUp();
      }
    };
  }
}
