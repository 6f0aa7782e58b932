package io.walletplatform.orders.domain;

import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.SqlConnection;
import io.walletplatform.common.events.PaymentResult;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.webhooks.EventTypes;
import io.walletplatform.common.webhooks.PlatformEvent;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.orders.db.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles an order from its payment result, inside the inbox transaction; only a NEW order moves. A
 * refund's result moves a FINISHED order whose refund was asked for to REFUNDED, once. The move's
 * platform event ({@code order.finished}, {@code order.failed}, {@code order.refunded}) goes to the
 * outbox in the same transaction when the order's principal listens to it.
 */
public final class PaymentResultApplier implements InboxHandler {

  private static final Logger log = LoggerFactory.getLogger(PaymentResultApplier.class);

  private final OrderRepository repository;
  private final WebhookInterest interest;
  private final String eventsTopic;

  public PaymentResultApplier(OrderRepository repository, WebhookInterest interest, String eventsTopic) {
    this.repository = repository;
    this.interest = interest;
    this.eventsTopic = eventsTopic;
  }

  @Override
  public Future<Void> handle(SqlConnection tx, KafkaConsumerRecord<String, byte[]> record, String traceparent) {
    PaymentResult result = PaymentResult.decode(record.value());
    Future<Order> moved = result.refund() ? repository.settleRefund(tx, result.orderId())
        : repository.settle(tx, result.orderId(),
            switch (result.status()) {
              case SUCCEEDED -> OrderStatus.FINISHED;
              case FAILED -> OrderStatus.FAILED;
            }, result.failureReason());
    return moved.compose(order -> {
      if (order == null) {
        log.info("{} result eventId={} for orderId={} changed nothing: the order is final or unknown",
            result.refund() ? "refund" : "payment", result.eventId(), result.orderId());
        return Future.succeededFuture();
      }
      String type = switch (order.status()) {
        case FINISHED -> EventTypes.ORDER_FINISHED;
        case FAILED -> EventTypes.ORDER_FAILED;
        case REFUNDED -> EventTypes.ORDER_REFUNDED;
        // settle and settleRefund only ever answer an order they moved out of NEW.
        case NEW -> throw new IllegalStateException("order " + order.orderId() + " is NEW after its result");
      };
      if (!interest.wants(order.requestedBy(), type)) {
        return Future.succeededFuture();
      }
      return Outbox.append(tx, PlatformEvent.outbox(eventsTopic, type, PlatformEvent.id(type, order.orderId()), "order",
          order.orderId(), order.requestedBy(), order.updatedAt(), order.toJson()).withTraceparent(traceparent));
    });
  }
}
