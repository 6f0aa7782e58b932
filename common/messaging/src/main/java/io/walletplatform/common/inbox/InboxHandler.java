package io.walletplatform.common.inbox;

import io.walletplatform.common.errors.InvalidRecordException;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.SqlConnection;

/**
 * Processes one consumed record inside the transaction that also records its event id in the
 * inbox, so the effect and the "seen" mark commit together or not at all.
 */
@FunctionalInterface
public interface InboxHandler {

  /**
   * @param traceparent the W3C trace context of the span processing this record (null when it is
   *                    not traced): the outbox rows the handler writes carry it on
   * @throws InvalidRecordException (or fail with it) when the record can never be processed
   */
  Future<Void> handle(SqlConnection tx, KafkaConsumerRecord<String, byte[]> record, String traceparent);
}
