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
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.kafka.KafkaClients;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One consumer of the operation-worker group, on its own Vert.x context. Records are buffered and,
 * every flush interval (or when the buffer reaches the batch bound), applied as one batch:
 * undecodable records go to the dead-letter topic, the rest to {@link WalletLedger} in one
 * transaction; then the Redis cache is refreshed; only then are the offsets committed. A failed
 * batch stays at the head of the buffer and is retried with backoff: nothing is skipped, and
 * re-applying is harmless because the ledger skips operations it already applied.
 *
 * <p>All state here is touched only on this verticle's context, so it needs no locks.
 */
public final class OperationConsumerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(OperationConsumerVerticle.class);

  /** A record as received: decoded, or the reason it could not be. */
  private record Received(KafkaConsumerRecord<String, byte[]> record, WalletOperationEvent event, String error) {
    int partition() {
      return record.partition();
    }

    long offset() {
      return record.offset();
    }
  }

  private final OperationWorkerSettings settings;
  private final MeterRegistry registry;
  private final OffsetCommitGate gate;
  private final int index;

  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> deadLetters;
  private Pool pool;
  private Redis redis;
  private WalletLedger ledger;
  private WalletCache cache;
  private KafkaClientMetrics consumerMetrics;

  private List<Received> buffer = new ArrayList<>();
  private final Set<Integer> assigned = new HashSet<>();
  private final Map<Integer, Long> lastBufferedOffset = new HashMap<>();
  private final Map<Integer, Long> committedOffset = new HashMap<>();
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean flushing;
  private boolean paused;
  private boolean stopping;
  private int consecutiveFailures;
  private long retryNotBeforeMs;
  private long timerId;

  private Counter completed;
  private Counter failed;
  private Counter duplicates;
  private Counter deadLettered;
  private Counter transactions;
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
    deadLettered = Counter.builder("worker_records_dead_lettered").register(registry);
    transactions = Counter.builder("worker_batch_transactions")
        .description("Committed batch transactions; each wallet lives on one consumer")
        .tag("consumer", consumerTag).register(registry);
    batchSizes = DistributionSummary.builder("worker_batch_size").description("Operations per batch")
        .publishPercentiles(0.5, 0.99).register(registry);
    batchTimer = Timer.builder("worker_batch_duration").publishPercentiles(0.5, 0.99).register(registry);

    pool = PgPools.create(vertx, settings.pg(), "operation-worker");
    redis = RedisClients.create(vertx, settings.redis());
    ledger = new WalletLedger(pool, new LedgerRepository());
    cache = new WalletCache(redis, settings.redis().keyPrefix(), settings.cacheTtl());
    Map<String, String> producerConfig = KafkaClients.producerConfig(settings.kafka(), "operation-worker-dlt");
    producerConfig.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    deadLetters = KafkaProducer.createShared(vertx,
        "operation-worker-dlt@" + settings.kafka().bootstrapServers(), producerConfig);

    String clientId = "operation-worker-" + index + "-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = KafkaConsumer.create(vertx, KafkaClients.consumerConfig(settings.kafka(), settings.groupId(), clientId,
        Math.min(settings.maxBatchRecords(), 5_000)));
    consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
    consumerMetrics.bindTo(registry);
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
    for (TopicPartition partition : partitions) {
      assigned.add(partition.getPartition());
      lastBufferedOffset.remove(partition.getPartition());
      committedOffset.remove(partition.getPartition());
    }
    log.info("consumer {} assigned partitions {}", index, partitions.stream().map(TopicPartition::getPartition).toList());
  }

  /** Revoked partitions' buffered records are dropped: they are uncommitted, so their next owner reads them again. */
  private void onRevoked(Set<TopicPartition> partitions) {
    Set<Integer> revoked = new HashSet<>();
    partitions.forEach(partition -> revoked.add(partition.getPartition()));
    assigned.removeAll(revoked);
    revoked.forEach(lastBufferedOffset::remove);
    revoked.forEach(committedOffset::remove);
    buffer.removeIf(received -> revoked.contains(received.partition()));
  }

  private void onRecord(KafkaConsumerRecord<String, byte[]> record) {
    int partition = record.partition();
    if (!assigned.contains(partition)) {
      // Fetched before a revocation and delivered after it: the new owner applies it, in order.
      return;
    }
    Long last = lastBufferedOffset.get(partition);
    if (last != null && record.offset() <= last) {
      // The consumer was rewound (a rebalance put us back at the committed offset): keep the buffer in offset order.
      long from = record.offset();
      buffer.removeIf(received -> received.partition() == partition && received.offset() >= from);
    }
    lastBufferedOffset.put(partition, record.offset());
    buffer.add(decode(record));
    if (buffer.size() >= settings.maxBatchRecords()) {
      flush();
    }
    if (!paused && buffer.size() >= settings.maxBufferedRecords()) {
      paused = true;
      consumer.pause();
    }
  }

  private static Received decode(KafkaConsumerRecord<String, byte[]> record) {
    try {
      WalletOperationEvent event = WalletOperationEvent.decode(record.value());
      if (record.key() != null && !record.key().equals(event.walletId().toString())) {
        return new Received(record, null, "record key " + record.key() + " is not its walletId " + event.walletId());
      }
      return new Received(record, event, null);
    } catch (IllegalArgumentException e) {
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
    List<Received> batch = buffer;
    buffer = new ArrayList<>();
    Timer.Sample sample = Timer.start(registry);
    return process(batch)
        .onSuccess(ignored -> {
          sample.stop(batchTimer);
          consecutiveFailures = 0;
          retryNotBeforeMs = 0;
        })
        .onFailure(error -> {
          consecutiveFailures++;
          long backoffMs = Math.min(settings.maxRetryBackoff().toMillis(), 50L << Math.min(consecutiveFailures, 10));
          retryNotBeforeMs = System.currentTimeMillis() + backoffMs;
          log.warn("consumer {} batch of {} records failed (attempt {}), retrying in {} ms: {}", index, batch.size(),
              consecutiveFailures, backoffMs, error.toString());
          requeue(batch);
        })
        .eventually(() -> {
          flushing = false;
          if (paused && !stopping && buffer.size() < settings.maxBufferedRecords() / 2) {
            paused = false;
            consumer.resume();
          }
          return Future.succeededFuture();
        });
  }

  /**
   * Puts a failed batch back in front of what arrived meanwhile. A partition that was revoked or
   * rewound in the meantime is left to what the buffer now holds for it, so order is kept.
   */
  private void requeue(List<Received> batch) {
    Map<Integer, Long> firstBuffered = new HashMap<>();
    for (Received received : buffer) {
      firstBuffered.merge(received.partition(), received.offset(), Math::min);
    }
    List<Received> merged = new ArrayList<>(batch.size() + buffer.size());
    for (Received received : batch) {
      Long first = firstBuffered.get(received.partition());
      boolean rewound = first != null && first <= received.offset();
      if (assigned.contains(received.partition()) && !rewound) {
        merged.add(received);
      }
    }
    merged.addAll(buffer);
    buffer = merged;
  }

  private Future<Void> process(List<Received> batch) {
    List<PendingOperation> operations = new ArrayList<>(batch.size());
    List<Received> undecodable = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Received received : batch) {
      if (received.event() != null) {
        operations.add(new PendingOperation(received.event(), received.partition(), received.offset()));
      } else {
        undecodable.add(received);
      }
      offsets.merge(new TopicPartition(settings.operationsTopic(), received.partition()),
          new OffsetAndMetadata(received.offset() + 1, ""),
          (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
    }
    return deadLetter(undecodable)
        .compose(ignored -> ledger.apply(operations))
        .compose(result -> {
          transactions.increment();
          batchSizes.record(operations.size());
          for (AppliedOperation applied : result.applied()) {
            (AppliedOperation.COMPLETED.equals(applied.status()) ? completed : failed).increment();
          }
          duplicates.increment(result.duplicates());
          return refreshCache(result.wallets());
        })
        .compose(ignored -> gate.beforeCommit(offsets))
        .compose(ignored -> commit(offsets));
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

  private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    for (Iterator<Map.Entry<TopicPartition, OffsetAndMetadata>> it = offsets.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<TopicPartition, OffsetAndMetadata> entry = it.next();
      int partition = entry.getKey().getPartition();
      Long committed = committedOffset.get(partition);
      if (assigned.contains(partition) && (committed == null || committed < entry.getValue().getOffset())) {
        toCommit.put(entry.getKey(), entry.getValue());
      }
    }
    if (toCommit.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer.commit(toCommit)
        .onSuccess(done -> toCommit.forEach((partition, offset) ->
            committedOffset.merge(partition.getPartition(), offset.getOffset(), Math::max)))
        .recover(error -> {
          // Applied and durable already; the next owner re-reads and skips these operations.
          log.warn("consumer {} could not commit offsets {}: {}", index, toCommit, error.getMessage());
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private Future<Void> deadLetter(List<Received> undecodable) {
    if (undecodable.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<?>> sends = new ArrayList<>();
    for (Received received : undecodable) {
      KafkaConsumerRecord<String, byte[]> original = received.record();
      KafkaProducerRecord<String, byte[]> record = KafkaProducerRecord
          .create(settings.deadLetterTopic(), original.key(), original.value());
      for (KafkaHeader header : original.headers()) {
        record.addHeader(header);
      }
      record.addHeader(KafkaClients.ERROR_HEADER, received.error())
          .addHeader(KafkaClients.ERROR_CLASS_HEADER, "InvalidRecord")
          .addHeader("original-topic", original.topic())
          .addHeader("original-partition", Integer.toString(original.partition()))
          .addHeader("original-offset", Long.toString(original.offset()));
      log.warn("dead-lettering {}-{}@{}: {}", original.topic(), original.partition(), original.offset(), received.error());
      sends.add(deadLetters.send(record));
    }
    return Future.all(sends).onSuccess(ignored -> deadLettered.increment(undecodable.size())).mapEmpty();
  }
}
