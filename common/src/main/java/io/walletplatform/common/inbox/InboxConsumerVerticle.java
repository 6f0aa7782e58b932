package io.walletplatform.common.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.walletplatform.common.db.Failures;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.kafka.PartitionPause;
import io.walletplatform.common.kafka.RecordBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An idempotent consumer: each record is processed in a transaction that first records its
 * {@code event-id} in the inbox (already there: a duplicate, skipped) and then runs the
 * {@link InboxHandler}. The records of one poll are processed together, in partition order, in one
 * transaction, so a burst costs one commit instead of one per record; if anything in that
 * transaction fails it is rolled back and the same records are processed one transaction each,
 * where failures are told apart. Offsets are committed only after the transactions committed. A
 * failure that may pass is retried with backoff until it does; a record that keeps failing the same
 * way is dead-lettered after a bounded number of attempts, so it cannot hold its partition for ever.
 * Nothing is ever skipped: a record leaves the buffer only once its transaction or its dead letter
 * is acknowledged, and a dead letter that cannot be sent is retried like any failure that may pass.
 */
public final class InboxConsumerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(InboxConsumerVerticle.class);

  private final InboxConsumerSettings settings;
  private final MeterRegistry registry;
  private final InboxHandler handler;
  private final String name;

  private final RecordBuffer<KafkaConsumerRecord<String, byte[]>> buffer =
      new RecordBuffer<>(KafkaConsumerRecord::partition, KafkaConsumerRecord::offset);
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaClientMetrics consumerMetrics;
  private PartitionPause pause;
  private DeadLetters deadLetters;
  private Pool pool;
  private boolean processing;
  private boolean stopping;
  private Future<Void> current = Future.succeededFuture();
  private Counter processed;
  private Counter duplicates;
  private Counter deadLettered;
  private Counter deadLetterFailures;
  private Counter transactions;

  public InboxConsumerVerticle(InboxConsumerSettings settings, MeterRegistry registry, String name, InboxHandler handler) {
    this.settings = settings;
    this.registry = registry;
    this.name = name;
    this.handler = handler;
  }

  @Override
  public Future<?> start() {
    processed = Counter.builder("inbox_records_processed").tag("consumer", name).register(registry);
    duplicates = Counter.builder("inbox_records_duplicates").tag("consumer", name).register(registry);
    deadLettered = Counter.builder("inbox_records_dead_lettered").tag("consumer", name).register(registry);
    deadLetterFailures = Counter.builder("inbox_dead_letter_send_failures")
        .description("Dead letters the broker did not acknowledge (retried)").tag("consumer", name).register(registry);
    transactions = Counter.builder("inbox_transactions").description("Committed inbox transactions, each of one or more records")
        .tag("consumer", name).register(registry);
    pool = PgPools.create(vertx, settings.pg(), name);
    deadLetters = DeadLetters.create(vertx, settings.kafka(), name + "-dlt");
    String clientId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = KafkaConsumer.create(vertx, KafkaClients.consumerConfig(settings.kafka(), settings.groupId(), clientId,
        settings.maxBatchRecords()));
    consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
    consumerMetrics.bindTo(registry);
    pause = new PartitionPause(consumer, settings.topic());
    consumer.partitionsAssignedHandler(partitions -> {
      buffer.assigned(numbers(partitions));
      pause.assigned(partitions);
    });
    consumer.partitionsRevokedHandler(partitions -> {
      buffer.revoked(numbers(partitions));
      pause.revoked(partitions);
    });
    consumer.exceptionHandler(error -> log.warn("{} consumer error: {}", name, error.getMessage()));
    consumer.handler(record -> {
      if (buffer.add(record)) {
        if (buffer.size() >= settings.maxBatchRecords() * 4) {
          pause.pause();
        }
        drain();
      }
    });
    return consumer.subscribe(settings.topic());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    consumer.pause();
    return current.otherwiseEmpty()
        .compose(ignored -> consumer.close().otherwiseEmpty())
        .eventually(() -> {
          consumerMetrics.close();
          return Future.join(deadLetters.close(), pool.close());
        });
  }

  private static List<Integer> numbers(Set<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::getPartition).toList();
  }

  private void drain() {
    if (processing || stopping || buffer.isEmpty()) {
      return;
    }
    processing = true;
    List<KafkaConsumerRecord<String, byte[]>> batch = buffer.take(settings.maxBatchRecords());
    current = processBatch(batch)
        .onComplete(ignored -> {
          processing = false;
          if (!stopping && buffer.size() < settings.maxBatchRecords()) {
            pause.resume();
          }
          drain();
        });
  }

  private Future<Void> processBatch(List<KafkaConsumerRecord<String, byte[]>> batch) {
    if (batch.size() == 1) {
      return processInOrder(batch, 0, new ArrayList<>());
    }
    return processTogether(batch).compose(ignored -> commit(batch), error -> {
      log.debug("{} batch of {} failed together ({}), processing its records one by one", name, batch.size(),
          error.toString());
      return processInOrder(batch, 0, new ArrayList<>());
    });
  }

  /** The records in one transaction, in order: it commits all of them or none. */
  private Future<Void> processTogether(List<KafkaConsumerRecord<String, byte[]>> batch) {
    List<UUID> eventIds = new ArrayList<>(batch.size());
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      try {
        eventIds.add(eventId(record));
      } catch (InvalidRecordException e) {
        return Future.failedFuture(e);
      }
    }
    int[] duplicatesSeen = {0};
    return pool.withTransaction(tx -> processInTransaction(tx, batch, eventIds, 0, duplicatesSeen))
        .onSuccess(ignored -> {
          transactions.increment();
          processed.increment(batch.size());
          duplicates.increment(duplicatesSeen[0]);
        });
  }

  private Future<Void> processInTransaction(SqlConnection tx, List<KafkaConsumerRecord<String, byte[]>> batch,
                                            List<UUID> eventIds, int index, int[] duplicatesSeen) {
    if (index == batch.size()) {
      return Future.succeededFuture();
    }
    KafkaConsumerRecord<String, byte[]> record = batch.get(index);
    return Inbox.recordFirstSeen(tx, eventIds.get(index), record.topic())
        .compose(first -> {
          if (!first) {
            duplicatesSeen[0]++;
            return Future.<Void>succeededFuture();
          }
          try {
            return handler.handle(tx, record);
          } catch (InvalidRecordException e) {
            return Future.<Void>failedFuture(e);
          }
        })
        .compose(ignored -> processInTransaction(tx, batch, eventIds, index + 1, duplicatesSeen));
  }

  /**
   * Processes records one after the other, one transaction each. On stopping, or if a record could
   * neither be processed nor dead-lettered, it and what follows go back to the buffer unprocessed
   * and uncommitted: the offsets committed stop before them.
   */
  private Future<Void> processInOrder(List<KafkaConsumerRecord<String, byte[]>> batch, int index,
                                      List<KafkaConsumerRecord<String, byte[]>> done) {
    if (index == batch.size() || stopping) {
      if (index < batch.size()) {
        buffer.requeue(batch.subList(index, batch.size()));
      }
      return commit(done);
    }
    return processWithRetries(batch.get(index), 1).compose(
        ignored -> {
          done.add(batch.get(index));
          return processInOrder(batch, index + 1, done);
        },
        error -> {
          buffer.requeue(batch.subList(index, batch.size()));
          return commit(done).compose(ignored -> Future.failedFuture(error));
        });
  }

  private Future<Void> processWithRetries(KafkaConsumerRecord<String, byte[]> record, int attempt) {
    return processTogether(List.of(record)).recover(error -> {
      if (error instanceof InvalidRecordException) {
        return deadLetter(record, "InvalidRecord", error.getMessage(), 1);
      }
      boolean mayPass = Failures.isTransient(error);
      if (!mayPass && attempt >= settings.maxAttempts()) {
        return deadLetter(record, error.getClass().getSimpleName(), error.getMessage(), 1);
      }
      if (stopping) {
        return Future.failedFuture(error);
      }
      long backoffMs = backoffMs(attempt);
      log.warn("{} failed on {}-{}@{} (attempt {}, {}), retrying in {} ms: {}", name, record.topic(),
          record.partition(), record.offset(), attempt, mayPass ? "transient" : "permanent", backoffMs, error.toString());
      return vertx.timer(backoffMs).compose(ignored -> processWithRetries(record, attempt + 1));
    });
  }

  private long backoffMs(int attempt) {
    return Math.min(settings.maxBackoff().toMillis(), 50L << Math.min(attempt, 10));
  }

  private static UUID eventId(KafkaConsumerRecord<String, byte[]> record) {
    for (KafkaHeader header : record.headers()) {
      if (KafkaClients.EVENT_ID_HEADER.equals(header.key())) {
        try {
          return UUID.fromString(header.value().toString());
        } catch (IllegalArgumentException e) {
          throw new InvalidRecordException("header event-id is not a UUID");
        }
      }
    }
    throw new InvalidRecordException("record has no event-id header");
  }

  /** Sends the record to the dead-letter topic, retrying until the broker acknowledges it (or the consumer stops). */
  private Future<Void> deadLetter(KafkaConsumerRecord<String, byte[]> record, String errorClass, String error,
                                  int attempt) {
    return deadLetters.send(record, errorClass, error)
        .onSuccess(ignored -> deadLettered.increment())
        .recover(sendError -> {
          deadLetterFailures.increment();
          if (stopping) {
            return Future.failedFuture(sendError);
          }
          long backoffMs = backoffMs(attempt);
          log.warn("{} could not dead-letter {}-{}@{} (attempt {}), retrying in {} ms: {}", name, record.topic(),
              record.partition(), record.offset(), attempt, backoffMs, sendError.toString());
          return vertx.timer(backoffMs).compose(ignored -> deadLetter(record, errorClass, error, attempt + 1));
        });
  }

  private Future<Void> commit(List<KafkaConsumerRecord<String, byte[]>> done) {
    Map<Integer, Long> next = buffer.offsetsToCommit(done);
    if (next.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((partition, offset) -> offsets.put(new TopicPartition(settings.topic(), partition),
        new OffsetAndMetadata(offset, "")));
    return consumer.commit(offsets)
        .onSuccess(ignored -> buffer.committed(next))
        .recover(error -> {
          // The effects are committed; whoever re-reads these records finds them in the inbox.
          log.warn("{} could not commit offsets {}: {}", name, next, error.getMessage());
          return Future.succeededFuture();
        })
        .mapEmpty();
  }
}
