package io.walletplatform.worker.kafka;

import io.walletplatform.common.wallet.OperationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.kafka.BatchingConsumer;
import io.walletplatform.common.kafka.KafkaConsumerLoop;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.OperationWorkerSettings;
import io.walletplatform.worker.db.LedgerRepository;
import io.walletplatform.worker.domain.AppliedOperation;
import io.walletplatform.worker.domain.PendingOperation;
import io.walletplatform.worker.domain.BalanceMonitors;
import io.walletplatform.worker.domain.WalletEvents;
import io.walletplatform.worker.domain.WalletLedger;
import io.walletplatform.common.webhooks.WebhookInterest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One consumer of the operation-worker group, on its own Vert.x context. The shared loop
 * ({@link KafkaConsumerLoop}) buffers, batches every flush interval, backs off, parks and commits;
 * this supplies what a batch means here: {@link WalletLedger} applies it in one transaction, then
 * the Redis cache is refreshed (before the loop commits the offsets); an operation that can never be
 * applied is recorded FAILED / PROCESSING_FAILED once it is parked, so no accepted operation is left
 * without an outcome.
 *
 * <p>A cache refresh that fails is never answered by deleting the entry (a slower reader could then
 * write an older version back): the newest snapshot of each such wallet is kept and written again,
 * put-if-newer, with the next batch and every second until Redis takes it.
 */
public final class OperationConsumerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(OperationConsumerVerticle.class);
  /** Wallets whose refresh is owed, at most; past it the oldest are left to expire in Redis. */
  private static final int MAX_OWED_REFRESHES = 100_000;
  private static final long OWED_REFRESH_INTERVAL_MS = 1_000;

  /** A record as received: decoded, or the reason it could not be. */
  record Received(KafkaConsumerRecord<String, byte[]> record, WalletOperationEvent event, String error) {
    PendingOperation pending() {
      return new PendingOperation(event, record.partition(), record.offset());
    }
  }

  private final OperationWorkerSettings settings;
  private final MeterRegistry registry;
  private final Faults faults;
  private final int index;
  private final WebhookInterest interest;

  private Pool pool;
  private Redis redis;
  private WalletLedger ledger;
  private WalletCache cache;
  private KafkaConsumerLoop<Received> loop;
  private final Map<UUID, WalletSnapshot> owedRefreshes = new LinkedHashMap<>();
  private static final AttributeKey<String> OPERATION_ID = AttributeKey.stringKey("wallet.operation_id");
  private Tracing tracing = Tracing.OFF;
  private long owedTimerId;

  private Counter completed;
  private Counter failed;
  private Counter duplicates;
  private Counter reuses;
  private Counter decidedAgain;
  private Counter transactions;
  private DistributionSummary batchSizes;
  private Timer acceptToApplied;

  public OperationConsumerVerticle(OperationWorkerSettings settings, MeterRegistry registry, Faults faults,
                                   int index, WebhookInterest interest) {
    this.settings = settings;
    this.interest = interest;
    this.registry = registry;
    this.faults = faults;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    tracing = Tracing.of(vertx);
    completed = Counter.builder("worker_operations_applied").tag("status", OperationStatus.COMPLETED.name()).register(registry);
    failed = Counter.builder("worker_operations_applied").tag("status", OperationStatus.FAILED.name()).register(registry);
    duplicates = Counter.builder("worker_operations_duplicates")
        .description("Operations skipped because they were applied before").register(registry);
    reuses = Counter.builder("worker_operation_id_reuses")
        .description("Records whose operationId was applied before with another wallet, type or amount").register(registry);
    decidedAgain = Counter.builder("worker_batches_decided_again")
        .description("Batches whose insert met an operation recorded before (a redelivery, an id submitted twice): "
            + "rolled back and decided again after reading which")
        .tag("consumer", Integer.toString(index)).register(registry);
    transactions = Counter.builder("worker_batch_transactions")
        .description("Committed batch transactions; each wallet lives on one consumer")
        .tag("consumer", Integer.toString(index)).register(registry);
    batchSizes = DistributionSummary.builder("worker_batch_size").description("Operations per batch")
        .publishPercentiles(0.5, 0.99).register(registry);
    acceptToApplied = Timer.builder("worker_accept_to_applied")
        .description("From wallet-api's accept (acceptedAt) to the commit of the batch that applied the operation")
        .publishPercentiles(0.5, 0.99).register(registry);

    pool = PgPools.create(vertx, settings.pg(), "operation-worker");
    redis = RedisClients.create(vertx, settings.redis());
    LedgerRepository repository = new LedgerRepository();
    ledger = new WalletLedger(pool, repository, new WalletEvents(interest, settings.events().topic(), repository),
        new BalanceMonitors(repository, interest, settings.events().topic()));
    cache = new WalletCache(redis, settings.redis().keyPrefix(), settings.cacheTtl());
    owedTimerId = vertx.setPeriodic(OWED_REFRESH_INTERVAL_MS, id -> refreshCache(List.of()));

    BatchingConsumer.Settings core = new BatchingConsumer.Settings(settings.maxBatchRecords(),
        settings.maxBufferedRecords(), false, settings.maxAttempts(), settings.maxDeadLetterAttempts(),
        settings.minRetryBackoff().toMillis(), settings.maxRetryBackoff().toMillis());
    // A fetch may wait a whole batch window for its 64 KiB: the records are applied at the next tick anyway.
    // A quarter window cost 40 empty fetches a second per idle partition (client, broker and purgatory), the
    // largest part of an idle platform's CPU and a tenth of a loaded one's (docs/benchmarks.md, #33).
    KafkaConsumerLoop.Options options = new KafkaConsumerLoop.Options("operation-worker-" + index,
        settings.operationsTopic(), settings.groupId(), settings.kafka(), core, settings.flushInterval().toMillis(),
        settings.flushInterval().toMillis());
    KafkaConsumerLoop.Codec<Received> codec = new KafkaConsumerLoop.Codec<>(OperationConsumerVerticle::decode,
        received -> received.event() != null ? received.event().walletId() : received.record().key(),
        Received::record);
    return KafkaConsumerLoop.start(vertx, options, codec, new Handler(), pool, faults::beforeOffsetCommit, registry,
            listener())
        .onSuccess(started -> loop = started);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(owedTimerId);
    Future<Void> stopped = loop == null ? Future.succeededFuture() : loop.stop();
    return stopped.eventually(() -> Future.join(pool.close(), redis.close()));
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

  private final class Handler implements BatchingConsumer.Handler<Received> {

    @Override
    public Future<Void> apply(List<Received> records) {
      List<PendingOperation> operations = new ArrayList<>(records.size());
      records.forEach(received -> operations.add(received.pending()));
      Span batch = batchSpan(records);
      return Tracing.within(batch, () -> ledger.apply(operations)).andThen(done -> Tracing.end(batch, done.cause()))
          .compose(result -> {
        transactions.increment();
        batchSizes.record(operations.size());
        long now = System.currentTimeMillis();
        for (PendingOperation operation : operations) {
          acceptToApplied.record(Math.max(0, now - operation.event().acceptedAt().toEpochMilli()), TimeUnit.MILLISECONDS);
        }
        for (AppliedOperation applied : result.applied()) {
          (applied.completed() ? completed : failed).increment();
        }
        duplicates.increment(result.duplicates());
        reuses.increment(result.reuses().size());
        if (result.decidedAgain()) {
          decidedAgain.increment();
        }
        return faults.reach("worker.after-commit").compose(ignored -> refreshCache(result.wallets()));
      });
    }

    /**
     * The span of one batch, when it applies at least one traced operation: a child of the first
     * such operation's PRODUCER span (so that operation's trace runs from its HTTP request to the
     * commit), linked to every traced operation's (OpenTelemetry's batch-receive shape). Null
     * when tracing is off or no operation in the batch is traced.
     */
    private Span batchSpan(List<Received> records) {
      if (!tracing.enabled()) {
        return null;
      }
      SpanBuilder builder = null;
      int traced = 0;
      for (Received received : records) {
        String traceparent = Tracing.traceparent(received.record().headers());
        if (traceparent == null) {
          continue;
        }
        if (builder == null) {
          builder = tracing.builder(received.record().topic() + " apply", SpanKind.CONSUMER)
              .setParent(tracing.parent(traceparent));
        }
        builder.addLink(tracing.spanContext(traceparent), Attributes.of(OPERATION_ID, received.event() == null
            ? "" : received.event().operationId().toString()));
        traced++;
      }
      return builder == null ? null : builder.setAttribute("messaging.batch.message_count", (long) records.size())
          .setAttribute("wallet.traced_operations", (long) traced).startSpan();
    }

    @Override
    public Throwable undecodable(Received received) {
      return received.error() == null ? null : new InvalidRecordException(received.error());
    }

    /** Parked already: the operation's GET, history and the audits now see it FAILED / PROCESSING_FAILED. */
    @Override
    public Future<Void> giveUp(Received received, Throwable error) {
      if (received.event() == null) {
        return Future.succeededFuture();
      }
      log.error("operationId={} walletId={} could never be applied; recorded FAILED / PROCESSING_FAILED: {}",
          received.event().operationId(), received.event().walletId(), error.toString());
      return ledger.recordProcessingFailed(received.pending()).onSuccess(ignored -> failed.increment());
    }
  }

  private BatchingConsumer.Listener listener() {
    Counter deadLettered = Counter.builder("worker_records_dead_lettered").register(registry);
    Counter batchFailures = Counter.builder("worker_batch_failures")
        .description("Batches that failed in a way that may pass and were put back for a retry").register(registry);
    Timer batchTimer = Timer.builder("worker_batch_duration").publishPercentiles(0.5, 0.99).register(registry);
    return new BatchingConsumer.Listener() {
      @Override
      public void passApplied(int records, long durationNanos) {
        if (records > 0) {
          batchTimer.record(durationNanos, TimeUnit.NANOSECONDS);
        }
      }

      @Override
      public void passFailed(int records, Throwable error) {
        batchFailures.increment();
      }

      @Override
      public void deadLettered() {
        deadLettered.increment();
      }
    };
  }

  /**
   * Writes the batch's wallets and every refresh still owed, put-if-newer, in one round trip; one
   * retry; what still fails is owed. Never fails: the batch is durable in PostgreSQL already.
   */
  private Future<Void> refreshCache(List<WalletSnapshot> wallets) {
    wallets.forEach(this::owe);
    if (owedRefreshes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<WalletSnapshot> batch = new ArrayList<>(owedRefreshes.values());
    owedRefreshes.clear();
    return cache.putAll(batch)
        .recover(error -> vertx.timer(50).compose(ignored -> cache.putAll(batch)))
        .recover(error -> {
          log.warn("consumer {} could not refresh {} cached wallets, retrying with the next batch: {}", index,
              batch.size(), error.getMessage());
          batch.forEach(this::owe);
          return Future.succeededFuture();
        });
  }

  private void owe(WalletSnapshot wallet) {
    owedRefreshes.merge(wallet.walletId(), wallet, (owed, newer) -> newer.version() >= owed.version() ? newer : owed);
    if (owedRefreshes.size() > MAX_OWED_REFRESHES) {
      UUID oldest = owedRefreshes.keySet().iterator().next();
      owedRefreshes.remove(oldest);
      log.warn("consumer {} owes more than {} cache refreshes; walletId={} is left to expire", index,
          MAX_OWED_REFRESHES, oldest);
    }
  }
}
