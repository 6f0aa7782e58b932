package io.walletplatform.orders.domain;

import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.SqlConnection;
import io.walletplatform.common.events.PaymentResult;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.orders.db.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles an order from its payment result, inside the inbox transaction; only a NEW order moves. A
 * refund's result moves a FINISHED order whose refund was asked for to REFUNDED, once.
 */
public final class PaymentResultApplier implements InboxHandler {

  private static final Logger log = LoggerFactory.getLogger(PaymentResultApplier.class);

  private final OrderRepository repository;

  public PaymentResultApplier(OrderRepository repository) {
    this.repository = repository;
  }

  @Override
  public Future<Void> handle(SqlConnection tx, KafkaConsumerRecord<String, byte[]> record, String traceparent) {
    PaymentResult result = PaymentResult.decode(record.value());
    if (result.refund()) {
      return repository.settleRefund(tx, result.orderId()).map(moved -> {
        if (!moved) {
          log.info("refund result eventId={} for orderId={} changed nothing: refunded before, or unknown",
              result.eventId(), result.orderId());
        }
        return null;
      });
    }
    String status = PaymentResult.SUCCEEDED.equals(result.status()) ? Order.FINISHED : Order.FAILED;
    return repository.settle(tx, result.orderId(), status, result.failureReason()).map(moved -> {
      if (!moved) {
        log.info("payment result eventId={} for orderId={} changed nothing: the order is final or unknown",
            result.eventId(), result.orderId());
      }
      return null;
    });
  }
}
