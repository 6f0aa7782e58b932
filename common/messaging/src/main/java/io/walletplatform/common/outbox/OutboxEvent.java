package io.walletplatform.common.outbox;

import java.util.UUID;

/**
 * An event to publish, written in the same transaction as the business change it reports
 * (Debezium's outbox shape): the Kafka key is the aggregate id, the event id travels in a header,
 * and so does the trace context the event was written in ({@code traceparent}) and, for a platform
 * event, the principal it is for ({@code principal}, the {@code principal} header).
 */
public record OutboxEvent(UUID eventId, String aggregateType, String aggregateId, String topic, String eventType,
                          String payload, String traceparent, String principal) {

  public OutboxEvent(UUID eventId, String aggregateType, String aggregateId, String topic, String eventType,
                     String payload, String traceparent) {
    this(eventId, aggregateType, aggregateId, topic, eventType, payload, traceparent, null);
  }

  /** An event outside any trace. */
  public OutboxEvent(UUID eventId, String aggregateType, String aggregateId, String topic, String eventType,
                     String payload) {
    this(eventId, aggregateType, aggregateId, topic, eventType, payload, null);
  }

  /** The same event, continuing the trace of {@code traceparent} (W3C; null: none) when published. */
  public OutboxEvent withTraceparent(String traceparent) {
    return new OutboxEvent(eventId, aggregateType, aggregateId, topic, eventType, payload, traceparent, principal);
  }
}
