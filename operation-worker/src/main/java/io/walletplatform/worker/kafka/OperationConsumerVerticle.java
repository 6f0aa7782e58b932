package io.walletplatform.worker.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.Failures;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.inbox.InvalidRecordException;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.kafka.PartitionPause;
import io.walletplatform.common.kafka.RecordBuffer;
import io.walletplatform.common.ops.FaultPoints;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.OperationWorkerSettings;
import io.walletplatform.worker.db.LedgerRepository;
import io.walletplatform.worker.domain.AppliedOperation;
import io.walletplatform.worker.domain.PendingOperation;
import io.walletplatform.worker.domain.WalletLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One consumer of the operation-worker group, on its own Vert.x context. Records are buffered and,
 * every flush interval (or when the buffer reaches the batch bound), applied as one batch:
 * undecodable records go to the dead-letter topic, the rest to {@link WalletLedger} in one
 * transaction; then the Redis cache is refreshed; only then are the offsets committed. A batch
 * that failed in a way that may pass stays at the head of the buffer and is retried with backoff:
 * nothing is skipped, and re-applying is harmless because the ledger skips operations it already
 * applied. Any other failure is isolated to the wallet and the record that cause it (see
 * {@link #process}). While the buffer is full, fetching pauses but polling goes on.
 *
 * <p>All state here is touched only on this verticle's context, so it needs no locks.
 */
public final class OperationConsumerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(OperationConsumerVerticle.class);

  /** A record as received: decoded, or the reason it could not be. */
  private record Received(KafkaConsumerRecord<String, byte[]> record, WalletOperationEvent event, String error) {
    Position position() {
      return new Position(record.partition(), record.offset());
    }

    int partition() {
      return record.partition();
    }

    long offset() {
      return record.offset();
    }
  }

  /** Where a record sits, which tells it apart across redeliveries. */
  private record Position(int partition, long offset) {
  }

  private final OperationWorkerSettings settings;
  private final MeterRegistry registry;
  private final OffsetCommitGate gate;
  private final int index;

  private KafkaConsumer<String, byte[]> consumer;
  private DeadLetters deadLetters;
  private Pool pool;
  private Redis redis;
  private WalletLedger ledger;
  private WalletCache cache;
  private KafkaClientMetrics consumerMetrics;

  private final RecordBuffer<Received> buffer = new RecordBuffer<>(Received::partition, Received::offset);
  private final Map<Position, Integer> attempts = new HashMap<>();
  private PartitionPause pause;
  private FaultPoints faults;
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean flushing;
  private boolean stopping;
  private int consecutiveFailures;
  private long retryNotBeforeMs;
  private long timerId;

  private Counter completed;
  private Counter failed;
  private Counter duplicates;
  private Counter reuses;
  private Counter deadLettered;
  private Counter transactions;
  private Counter batchFailures;
  private DistributionSummary batchSizes;
  private Timer batchTimer;

  public OperationConsumerVerticle(OperationWorkerSettings settings, MeterRegistry registry, OffsetCommitGate gate,
                                   int index) {
    this.settings = settings;
    this.registry = registry;
    this.gate = gate;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    String consumerTag = Integer.toString(index);
    completed = Counter.builder("worker_operations_applied").tag("status", "COMPLETED").register(registry);
    failed = Counter.builder("worker_operations_applied").tag("status", "FAILED").register(registry);
    duplicates = Counter.builder("worker_operations_duplicates")
        .description("Operations skipped because they were applied before").register(registry);
    reuses = Counter.builder("worker_operation_id_reuses")
        .description("Records whose operationId was applied before with another wallet, type or amount").register(registry);
    deadLettered = Counter.builder("worker_records_dead_lettered").register(registry);
    faults = settings.faultPoints();
    transactions = Counter.builder("worker_batch_transactions")
        .description("Committed batch transactions; each wallet lives on one consumer")
        .tag("consumer", consumerTag).register(registry);
    batchFailures = Counter.builder("worker_batch_failures")
        .description("Batches that failed in a way that may pass and were put back for a retry").register(registry);
    batchSizes = DistributionSummary.builder("worker_batch_size").description("Operations per batch")
        .publishPercentiles(0.5, 0.99).register(registry);
    batchTimer = Timer.builder("worker_batch_duration").publishPercentiles(0.5, 0.99).register(registry);

    pool = PgPools.create(vertx, settings.pg(), "operation-worker");
    redis = RedisClients.create(vertx, settings.redis());
    ledger = new WalletLedger(pool, new LedgerRepository());
    cache = new WalletCache(redis, settings.redis().keyPrefix(), settings.cacheTtl());
    deadLetters = DeadLetters.create(vertx, settings.kafka(), "operation-worker-dlt");

    String clientId = "operation-worker-" + index + "-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = KafkaConsumer.create(vertx, KafkaClients.consumerConfig(settings.kafka(), settings.groupId(), clientId,
        Math.min(settings.maxBatchRecords(), 5_000), Math.max(1, settings.flushInterval().toMillis() / 4)));
    consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
    consumerMetrics.bindTo(registry);
    pause = new PartitionPause(consumer, settings.operationsTopic());
    consumer.partitionsAssignedHandler(this::onAssigned);
    consumer.partitionsRevokedHandler(this::onRevoked);
    consumer.exceptionHandler(error -> log.warn("consumer {} error: {}", index, error.getMessage()));
    consumer.handler(this::onRecord);
    timerId = vertx.setPeriodic(settings.flushInterval().toMillis(), id -> flush());
    return consumer.subscribe(settings.operationsTopic());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    consumer.pause();
    // Finish what is in flight, try the rest once; whatever is not committed is read again by the next owner.
    return inFlight.otherwiseEmpty()
        .compose(ignored -> flushNow().otherwiseEmpty())
        .compose(ignored -> consumer.close().otherwiseEmpty())
        .eventually(() -> {
          consumerMetrics.close();
          return Future.join(deadLetters.close(), pool.close(), redis.close());
        });
  }

  private void onAssigned(Set<TopicPartition> partitions) {
    List<Integer> numbers = partitions.stream().map(TopicPartition::getPartition).toList();
    buffer.assigned(numbers);
    pause.assigned(partitions);
    log.info("consumer {} assigned partitions {}", index, numbers);
  }

  private void onRevoked(Set<TopicPartition> partitions) {
    List<Integer> numbers = partitions.stream().map(TopicPartition::getPartition).toList();
    buffer.revoked(numbers);
    pause.revoked(partitions);
    attempts.keySet().removeIf(position -> numbers.contains(position.partition()));
  }

  private void onRecord(KafkaConsumerRecord<String, byte[]> record) {
    if (!buffer.add(decode(record))) {
      return;
    }
    if (buffer.size() >= settings.maxBatchRecords()) {
      flush();
    }
    if (buffer.size() >= settings.maxBufferedRecords()) {
      pause.pause();
    }
  }

  private static Received decode(KafkaConsumerRecord<String, byte[]> record) {
    try {
      WalletOperationEvent event = WalletOperationEvent.decode(record.value());
      if (record.key() != null && !record.key().equals(event.walletId().toString())) {
        return new Received(record, null, "record key " + record.key() + " is not its walletId " + event.walletId());
      }
      return new Received(record, event, null);
    } catch (InvalidRecordException e) {
      return new Received(record, null, e.getMessage());
    }
  }

  private void flush() {
    if (flushing || stopping || buffer.isEmpty() || System.currentTimeMillis() < retryNotBeforeMs) {
      return;
    }
    inFlight = flushNow();
  }

  private Future<Void> flushNow() {
    if (buffer.isEmpty()) {
      return Future.succeededFuture();
    }
    flushing = true;
    List<Received> batch = buffer.take(Integer.MAX_VALUE);
    Timer.Sample sample = Timer.start(registry);
    return process(batch)
        .onSuccess(ignored -> {
          sample.stop(batchTimer);
          consecutiveFailures = 0;
          retryNotBeforeMs = 0;
        })
        .onFailure(error -> {
          batchFailures.increment();
          consecutiveFailures++;
          long backoffMs = Math.min(settings.maxRetryBackoff().toMillis(), 50L << Math.min(consecutiveFailures, 10));
          retryNotBeforeMs = System.currentTimeMillis() + backoffMs;
          log.warn("consumer {} batch of {} records failed (attempt {}), retrying in {} ms: {}", index, batch.size(),
              consecutiveFailures, backoffMs, error.toString());
          buffer.requeue(batch);
        })
        .eventually(() -> {
          flushing = false;
          if (!stopping && buffer.size() < settings.maxBufferedRecords() / 2) {
            pause.resume();
          }
          return Future.succeededFuture();
        });
  }

  /**
   * Applies a batch. A failure that may pass (PostgreSQL or Kafka down) fails the whole batch, to
   * be retried with backoff; any other failure is isolated: each wallet's operations are applied in
   * a transaction of their own, so one wallet cannot hold back the others, and within a failing
   * wallet one operation at a time, so that only the record that fails stays behind (and is
   * dead-lettered after bounded attempts). What stays behind goes back to the buffer before the
   * offsets are committed, so they never pass it.
   */
  private Future<Void> process(List<Received> batch) {
    List<PendingOperation> operations = new ArrayList<>(batch.size());
    List<Received> undecodable = new ArrayList<>();
    Map<PendingOperation, Received> records = new HashMap<>();
    for (Received received : batch) {
      if (received.event() != null) {
        PendingOperation pending = new PendingOperation(received.event(), received.partition(), received.offset());
        operations.add(pending);
        records.put(pending, received);
      } else {
        undecodable.add(received);
      }
    }
    Round round = new Round();
    return deadLetter(undecodable)
        .compose(ignored -> applyTransaction(operations, round).recover(error -> {
          if (Failures.isTransient(error)) {
            return Future.failedFuture(error);
          }
          log.warn("consumer {} batch of {} operations failed ({}); applying wallet by wallet", index, operations.size(),
              error.toString());
          return isolate(operations, records, round);
        }))
        .compose(ignored -> refreshCache(new ArrayList<>(round.wallets.values())))
        .compose(ignored -> {
          List<Received> done = new ArrayList<>(batch.size());
          for (Received received : batch) {
            if (!round.stayBehind.contains(received)) {
              done.add(received);
              attempts.remove(received.position());
            }
          }
          if (!round.stayBehind.isEmpty()) {
            buffer.requeue(batch.stream().filter(round.stayBehind::contains).toList());
          }
          return commit(done);
        });
  }

  /** What the transactions of one flush did, across the isolation steps. */
  private static final class Round {
    final Map<UUID, WalletSnapshot> wallets = new LinkedHashMap<>();
    final Set<Received> stayBehind = new HashSet<>();
  }

  private Future<Void> applyTransaction(List<PendingOperation> operations, Round round) {
    return ledger.apply(operations).compose(result -> {
      transactions.increment();
      batchSizes.record(operations.size());
      for (AppliedOperation applied : result.applied()) {
        (AppliedOperation.COMPLETED.equals(applied.status()) ? completed : failed).increment();
      }
      duplicates.increment(result.duplicates());
      reuses.increment(result.reuses().size());
      result.wallets().forEach(wallet -> round.wallets.put(wallet.walletId(), wallet));
      return faults.reach("worker.after-commit");
    });
  }

  private Future<Void> isolate(List<PendingOperation> operations, Map<PendingOperation, Received> records, Round round) {
    Map<UUID, List<PendingOperation>> byWallet = new LinkedHashMap<>();
    operations.forEach(pending -> byWallet.computeIfAbsent(pending.event().walletId(), id -> new ArrayList<>()).add(pending));
    Future<Void> chain = Future.succeededFuture();
    for (List<PendingOperation> walletOperations : byWallet.values()) {
      chain = chain.compose(ignored -> applyTransaction(walletOperations, round).recover(error -> Failures.isTransient(error)
          ? Future.failedFuture(error)
          : applyOneByOne(walletOperations, 0, records, round)));
    }
    return chain;
  }

  /** One wallet's operations one transaction each, in order, until one fails; it and those after it stay behind. */
  private Future<Void> applyOneByOne(List<PendingOperation> walletOperations, int from,
                                     Map<PendingOperation, Received> records, Round round) {
    if (from == walletOperations.size()) {
      return Future.succeededFuture();
    }
    PendingOperation pending = walletOperations.get(from);
    return applyTransaction(List.of(pending), round)
        .recover(error -> {
          if (Failures.isTransient(error)) {
            return Future.failedFuture(error);
          }
          Received received = records.get(pending);
          int attempt = attempts.merge(received.position(), 1, Integer::sum);
          if (attempt >= settings.maxAttempts()) {
            log.error("consumer {} dead-lettering operationId={} walletId={} after {} attempts: {}", index,
                pending.event().operationId(), pending.event().walletId(), attempt, error.toString());
            return deadLetters.send(received.record(), error.getClass().getSimpleName(), error.getMessage())
                .onSuccess(ignored -> deadLettered.increment());
          }
          log.warn("consumer {} operationId={} walletId={} failed (attempt {} of {}): {}", index,
              pending.event().operationId(), pending.event().walletId(), attempt, settings.maxAttempts(), error.toString());
          for (int i = from; i < walletOperations.size(); i++) {
            round.stayBehind.add(records.get(walletOperations.get(i)));
          }
          return Future.failedFuture(new StayBehind());
        })
        .compose(ignored -> applyOneByOne(walletOperations, from + 1, records, round),
            error -> error instanceof StayBehind ? Future.succeededFuture() : Future.failedFuture(error));
  }

  /** This wallet's remaining operations wait for the next flush; the other wallets go on. */
  private static final class StayBehind extends RuntimeException {
    StayBehind() {
      super(null, null, false, false);
    }
  }

  /** Bounded retries; if Redis stays down the entries are evicted (or expire), so readers fall back to PostgreSQL. */
  private Future<Void> refreshCache(List<WalletSnapshot> wallets) {
    if (wallets.isEmpty()) {
      return Future.succeededFuture();
    }
    return cache.putAll(wallets)
        .recover(error -> vertx.timer(50).compose(ignored -> cache.putAll(wallets)))
        .recover(error -> {
          log.warn("consumer {} could not refresh {} cached wallets: {}", index, wallets.size(), error.getMessage());
          return cache.evictAll(wallets.stream().map(WalletSnapshot::walletId).toList()).otherwiseEmpty();
        });
  }

  private Future<Void> commit(List<Received> batch) {
    Map<Integer, Long> next = buffer.offsetsToCommit(batch);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((partition, offset) ->
        offsets.put(new TopicPartition(settings.operationsTopic(), partition), new OffsetAndMetadata(offset, "")));
    return gate.beforeCommit(offsets).compose(ignored -> {
      if (offsets.isEmpty()) {
        return Future.succeededFuture();
      }
      return consumer.commit(offsets)
          .onSuccess(done -> buffer.committed(next))
          .recover(error -> {
            // Applied and durable already; the next owner re-reads and skips these operations.
            log.warn("consumer {} could not commit offsets {}: {}", index, next, error.getMessage());
            return Future.succeededFuture();
          })
          .mapEmpty();
    });
  }

  private Future<Void> deadLetter(List<Received> undecodable) {
    if (undecodable.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> sends = new ArrayList<>();
    for (Received received : undecodable) {
      sends.add(deadLetters.send(received.record(), "InvalidRecord", received.error()));
    }
    return Future.all(sends).onSuccess(ignored -> deadLettered.increment(undecodable.size())).mapEmpty();
  }
}
