package io.walletplatform.webhooks.dispatch;

import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.sqlclient.SqlConnection;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.common.inbox.InvalidRecordException;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.webhooks.db.WebhookRepository;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Consumes {@code platform.events} through the inbox: each event becomes one PENDING delivery per
 * live subscription of its principal to its type, in the inbox's transaction (the deliveries commit
 * with the "seen" mark, and the commit wakes the dispatchers). An event nobody subscribes to (any
 * more) makes none.
 */
public final class EventsToDeliveries implements InboxHandler {

  private final WebhookRepository repository;

  public EventsToDeliveries(WebhookRepository repository) {
    this.repository = repository;
  }

  @Override
  public Future<Void> handle(SqlConnection tx, KafkaConsumerRecord<String, byte[]> record, String traceparent) {
    String principal = header(record, KafkaClients.PRINCIPAL_HEADER);
    String type = header(record, KafkaClients.EVENT_TYPE_HEADER);
    if (principal == null || type == null) {
      return Future.succeededFuture();
    }
    UUID eventId = UUID.fromString(header(record, KafkaClients.EVENT_ID_HEADER));
    String body;
    try {
      body = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(record.value())).toString();
      new io.vertx.core.json.JsonObject(body);
    } catch (java.nio.charset.CharacterCodingException | RuntimeException e) {
      throw new InvalidRecordException("platform event " + eventId + " is not a JSON object in UTF-8");
    }
    return repository.insertDeliveries(tx, eventId, type, body, principal).mapEmpty();
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
