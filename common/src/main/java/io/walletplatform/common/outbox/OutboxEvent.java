package io.walletplatform.common.outbox;

import java.util.UUID;

/**
 * An event to publish, written in the same transaction as the business change it reports
 * (Debezium's outbox shape): the Kafka key is the aggregate id, the event id travels in a header.
 */
public record OutboxEvent(UUID eventId, String aggregateType, String aggregateId, String topic, String eventType,
                          String payload) {
}
