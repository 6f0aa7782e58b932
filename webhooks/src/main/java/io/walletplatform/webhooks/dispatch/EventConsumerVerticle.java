package io.walletplatform.webhooks.dispatch;

import io.walletplatform.common.inbox.RecordConsumerVerticle;
import io.walletplatform.webhooks.domain.PlatformEventRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.kafka.KafkaClients;
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
public final class EventConsumerVerticle extends RecordConsumerVerticle {

  private static final String NAME = "webhooks-events";

  private final WebhookRepository repository = new WebhookRepository();
  private Counter events;
  private Counter deliveries;

  public EventConsumerVerticle(InboxConsumerSettings settings, MeterRegistry registry) {
    super(NAME, settings, registry);
  }

  @Override
  protected void starting() {
    events = Counter.builder("webhook_events_consumed").description("platform.events records read into deliveries")
        .register(registry);
    deliveries = Counter.builder("webhook_deliveries_made").description("Deliveries made from them (one per matching"
        + " subscription)").register(registry);
  }

  @Override
  protected Future<Void> apply(List<KafkaConsumerRecord<String, byte[]>> records) {
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
  protected void check(KafkaConsumerRecord<String, byte[]> record) {
    event(record);
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

}
