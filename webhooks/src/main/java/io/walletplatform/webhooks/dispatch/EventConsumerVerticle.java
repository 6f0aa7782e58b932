package io.walletplatform.webhooks.dispatch;

import io.walletplatform.webhooks.domain.PlatformEventRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.kafka.BatchingConsumer;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.kafka.KafkaConsumerLoop;
import io.walletplatform.webhooks.db.WebhookRepository;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Consumes {@code platform.events} on the shared consumer loop: each pass (the records of a poll,
 * up to {@code INBOX_MAX_BATCH_RECORDS}) becomes one statement that makes one PENDING delivery per
 * live subscription of each event's principal to its type; offsets are committed only after it.
 * Read again after a crash, an event makes no second delivery (unique {@code (webhook_id, event_id)}),
 * so no inbox table is needed; the statement's commit wakes the dispatchers. An event nobody
 * subscribes to (any more) makes none; a record without an event id or whose body is not JSON in
 * UTF-8 is dead-lettered.
 */
public final class EventConsumerVerticle extends VerticleBase {

  private static final String NAME = "webhooks-events";

  private final InboxConsumerSettings settings;
  private final MeterRegistry registry;
  private final WebhookRepository repository = new WebhookRepository();
  private Pool pool;
  private KafkaConsumerLoop<KafkaConsumerRecord<String, byte[]>> loop;
  private Counter events;
  private Counter deliveries;

  public EventConsumerVerticle(InboxConsumerSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    events = Counter.builder("webhook_events_consumed").description("platform.events records read into deliveries")
        .register(registry);
    deliveries = Counter.builder("webhook_deliveries_made").description("Deliveries made from them (one per matching"
        + " subscription)").register(registry);
    pool = PgPools.create(vertx, settings.pg(), NAME);
    BatchingConsumer.Settings core = new BatchingConsumer.Settings(settings.maxBatchRecords(),
        settings.maxBatchRecords() * 4, true, settings.maxAttempts(), settings.maxDeadLetterAttempts(),
        settings.minBackoff().toMillis(), settings.maxBackoff().toMillis());
    KafkaConsumerLoop.Options options = new KafkaConsumerLoop.Options(NAME, settings.topic(), settings.groupId(),
        settings.kafka(), core, settings.tick().toMillis(), 0);
    KafkaConsumerLoop.Codec<KafkaConsumerRecord<String, byte[]>> codec = new KafkaConsumerLoop.Codec<>(
        record -> record, KafkaConsumerRecord::key, record -> record);
    BatchingConsumer.Handler<KafkaConsumerRecord<String, byte[]>> handler = new BatchingConsumer.Handler<>() {
      @Override
      public Future<Void> apply(List<KafkaConsumerRecord<String, byte[]>> records) {
        List<PlatformEventRecord> batch = new ArrayList<>(records.size());
        for (KafkaConsumerRecord<String, byte[]> record : records) {
          PlatformEventRecord event = event(record);
          if (event != null) {
            batch.add(event);
          }
        }
        return repository.insertDeliveries(pool, batch).map(created -> {
          events.increment(records.size());
          deliveries.increment(created);
          return null;
        });
      }

      @Override
      public Throwable undecodable(KafkaConsumerRecord<String, byte[]> record) {
        try {
          event(record);
          return null;
        } catch (InvalidRecordException e) {
          return e;
        }
      }
    };
    return KafkaConsumerLoop.start(vertx, options, codec, handler, pool, KafkaConsumerLoop.BeforeCommit.NONE, registry,
            new BatchingConsumer.Listener() {
            })
        .onSuccess(started -> loop = started);
  }

  /** The record's event, or null when it is for nobody (no principal header: an internal event). */
  static PlatformEventRecord event(KafkaConsumerRecord<String, byte[]> record) {
    String principal = header(record, KafkaClients.PRINCIPAL_HEADER);
    String type = header(record, KafkaClients.EVENT_TYPE_HEADER);
    String id = header(record, KafkaClients.EVENT_ID_HEADER);
    if (principal == null || type == null) {
      return null;
    }
    UUID eventId;
    try {
      eventId = UUID.fromString(String.valueOf(id));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("platform event without a UUID event-id header");
    }
    String body;
    try {
      body = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(record.value())).toString();
      new io.vertx.core.json.JsonObject(body);
    } catch (CharacterCodingException | RuntimeException e) {
      throw new InvalidRecordException("platform event " + eventId + " is not a JSON object in UTF-8");
    }
    return new PlatformEventRecord(eventId, type, body, principal);
  }

  private static String header(KafkaConsumerRecord<String, byte[]> record, String name) {
    for (KafkaHeader header : record.headers()) {
      if (name.equals(header.key())) {
        return header.value().toString();
      }
    }
    return null;
  }

  @Override
  public Future<?> stop() {
    Future<Void> stopped = loop == null ? Future.succeededFuture() : loop.stop();
    return stopped.eventually(() -> pool.close());
  }
}
