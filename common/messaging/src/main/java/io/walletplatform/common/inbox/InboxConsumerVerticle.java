package io.walletplatform.common.inbox;

import io.walletplatform.common.errors.InvalidRecordException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.sqlclient.SqlConnection;
import io.walletplatform.common.kafka.BatchingConsumer;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.kafka.KafkaConsumerLoop;
import io.walletplatform.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An idempotent consumer on the shared loop ({@link KafkaConsumerLoop}): the records that arrived
 * together are processed in one transaction that, for each in partition order, first records its
 * {@code event-id} in the inbox (already there: a duplicate, skipped) and then runs the
 * {@link InboxHandler}. The loop isolates a record that fails with a data error, retries everything
 * else until it passes, dead-letters what can never be processed (those keep their replay: every
 * inbox is idempotent) and commits offsets only after the transactions committed.
 */
public final class InboxConsumerVerticle extends RecordConsumerVerticle {

  private final InboxHandler handler;

  private Tracing tracing;
  private Counter processed;
  private Counter duplicates;
  private Counter transactions;
  private Counter deadLettered;

  public InboxConsumerVerticle(InboxConsumerSettings settings, MeterRegistry registry, String name, InboxHandler handler) {
    super(name, settings, registry);
    this.handler = handler;
  }

  @Override
  protected void starting() {
    tracing = Tracing.of(vertx);
    processed = Counter.builder("inbox_records_processed").tag("consumer", name()).register(registry);
    duplicates = Counter.builder("inbox_records_duplicates").tag("consumer", name()).register(registry);
    transactions = Counter.builder("inbox_transactions").description("Committed inbox transactions, each of one or more records")
        .tag("consumer", name()).register(registry);
    deadLettered = Counter.builder("inbox_records_dead_lettered").tag("consumer", name()).register(registry);
  }

  @Override
  protected BatchingConsumer.Listener listener() {
    return new BatchingConsumer.Listener() {
      @Override
      public void deadLettered() {
        deadLettered.increment();
      }
    };
  }

  @Override
  protected Future<Void> apply(List<KafkaConsumerRecord<String, byte[]>> records) {
    return processTogether(records);
  }

  @Override
  protected void check(KafkaConsumerRecord<String, byte[]> record) {
    eventId(record);
  }

  /** The records in one transaction, in order: it commits all of them or none. */
  private Future<Void> processTogether(List<KafkaConsumerRecord<String, byte[]>> batch) {
    List<UUID> eventIds = new ArrayList<>(batch.size());
    batch.forEach(record -> eventIds.add(eventId(record)));
    int[] duplicatesSeen = {0};
    Span[] spans = processSpans(batch);
    return pool.withTransaction(tx -> processInTransaction(tx, batch, eventIds, 0, duplicatesSeen, spans))
        .andThen(done -> {
          if (spans != null) {
            for (Span span : spans) {
              Tracing.end(span, done.cause());
            }
          }
        })
        .onSuccess(ignored -> {
          transactions.increment();
          processed.increment(batch.size());
          duplicates.increment(duplicatesSeen[0]);
        });
  }

  /**
   * A CONSUMER span per record that carries a trace (null for the others, and no array at all when
   * tracing is off), ending when the transaction does: the record's trace continues through it into
   * whatever the handler writes to the outbox.
   */
  private Span[] processSpans(List<KafkaConsumerRecord<String, byte[]>> batch) {
    if (!tracing.enabled()) {
      return null;
    }
    Span[] spans = new Span[batch.size()];
    for (int i = 0; i < spans.length; i++) {
      KafkaConsumerRecord<String, byte[]> record = batch.get(i);
      String traceparent = Tracing.traceparent(record.headers());
      if (traceparent != null) {
        spans[i] = tracing.start(record.topic() + " process", SpanKind.CONSUMER, tracing.parent(traceparent));
        spans[i].setAttribute("messaging.system", "kafka");
        spans[i].setAttribute("messaging.destination.name", record.topic());
        spans[i].setAttribute("messaging.kafka.offset", record.offset());
      }
    }
    return spans;
  }

  private Future<Void> processInTransaction(SqlConnection tx, List<KafkaConsumerRecord<String, byte[]>> batch,
                                            List<UUID> eventIds, int index, int[] duplicatesSeen, Span[] spans) {
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
            Span span = spans == null ? null : spans[index];
            return Tracing.within(span, () -> handler.handle(tx, record,
                span == null ? null : tracing.traceparent(Context.root().with(span))));
          } catch (InvalidRecordException e) {
            return Future.<Void>failedFuture(e);
          }
        })
        .compose(ignored -> processInTransaction(tx, batch, eventIds, index + 1, duplicatesSeen, spans));
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
}
