package io.walletplatform.orders.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.events.PaymentCancelRequested;
import io.walletplatform.common.events.PaymentRequested;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.orders.db.OrderRepository;
import io.walletplatform.orders.db.OrderRepository.StaleOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * No order stays NEW for ever. Every interval it takes the NEW orders whose payment was last
 * requested longer ago than the resend bound and, in one transaction with their outbox rows, either
 * requests the payment again (payments answers a repeated request with the decision it recorded,
 * never a second debit) or, once an order is older than the payment timeout, asks payments to
 * cancel it: payments records FAILED / PAYMENT_TIMEOUT unless it decided before, and its answer
 * settles the order like any other result. So an order fails PAYMENT_TIMEOUT only after payments
 * has durably agreed never to debit it. Refunds asked for and still unanswered past the same bound
 * are sent again the same way (payments answers a repeated refund without a second credit), so a
 * refund request lost on its way (parked, or a topic recreated) does not leave its order waiting.
 */
public final class OrderReconcilerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(OrderReconcilerVerticle.class);

  private final OrderReconcilerSettings settings;
  private final MeterRegistry registry;
  private final OrderRepository repository = new OrderRepository();
  private Pool pool;
  private Counter resent;
  private Counter cancelled;
  private Counter refundsResent;
  private long timerId;
  private Future<Void> round = Future.succeededFuture();

  public OrderReconcilerVerticle(OrderReconcilerSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    pool = PgPools.create(vertx, settings.pg(), "orders-reconciler");
    resent = Counter.builder("orders_payment_requests_resent").register(registry);
    cancelled = Counter.builder("orders_payment_cancellations_requested").register(registry);
    refundsResent = Counter.builder("orders_refund_requests_resent").register(registry);
    timerId = vertx.setPeriodic(settings.interval().toMillis(), id -> {
      if (round.isComplete()) {
        round = reconcile().onFailure(error -> log.warn("order reconciliation failed: {}", error.toString()));
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return round.otherwiseEmpty().compose(ignored -> pool.close());
  }

  /** One round: at most a batch of stale NEW orders, then of stale refunds, each batch in one transaction. */
  Future<Void> reconcile() {
    return reconcileNew().compose(ignored -> reconcileRefunds());
  }

  private Future<Void> reconcileRefunds() {
    Instant now = Instant.now();
    return pool.withTransaction(tx -> repository.lockStaleRefunds(tx, now.minus(settings.resendAfter()),
            settings.batchSize())
        .compose(stale -> {
          if (stale.isEmpty()) {
            return Future.succeededFuture();
          }
          List<OutboxEvent> events = stale.stream().map(this::refundRequest).toList();
          return Outbox.appendAll(tx, events)
              .compose(ignored -> repository.markRefundSent(tx, stale.stream().map(StaleOrder::orderId).toList()))
              .onSuccess(ignored -> {
                refundsResent.increment(stale.size());
                log.info("sent {} unanswered refund requests again", stale.size());
              });
        }));
  }

  private OutboxEvent refundRequest(StaleOrder order) {
    PaymentRequested request = new PaymentRequested(UUID.randomUUID(), order.orderId(), order.userId(), order.amount(),
        order.createdAt(), order.requestedBy(), true);
    return new OutboxEvent(request.eventId(), "order", order.userId().toString(), settings.requestsTopic(),
        request.eventType(), request.encode());
  }

  private Future<Void> reconcileNew() {
    Instant now = Instant.now();
    return pool.withTransaction(tx -> repository.lockStaleNew(tx, now.minus(settings.resendAfter()), settings.batchSize())
        .compose(stale -> {
          if (stale.isEmpty()) {
            return Future.succeededFuture();
          }
          List<OutboxEvent> events = new java.util.ArrayList<>(stale.size());
          int cancels = 0;
          for (StaleOrder order : stale) {
            boolean timedOut = order.createdAt().isBefore(now.minus(settings.paymentTimeout()));
            cancels += timedOut ? 1 : 0;
            events.add(timedOut ? cancellation(order) : request(order));
          }
          int cancelCount = cancels;
          List<UUID> ids = stale.stream().map(StaleOrder::orderId).toList();
          return Outbox.appendAll(tx, events).compose(ignored -> repository.markRequested(tx, ids)).onSuccess(ignored -> {
            resent.increment(stale.size() - cancelCount);
            cancelled.increment(cancelCount);
            log.info("re-drove {} NEW orders: {} payment requests sent again, {} cancellations requested",
                stale.size(), stale.size() - cancelCount, cancelCount);
          });
        }));
  }

  private OutboxEvent request(StaleOrder order) {
    PaymentRequested request = new PaymentRequested(UUID.randomUUID(), order.orderId(), order.userId(), order.amount(),
        order.createdAt(), order.requestedBy());
    return new OutboxEvent(request.eventId(), "order", order.userId().toString(), settings.requestsTopic(),
        PaymentRequested.EVENT_TYPE, request.encode());
  }

  private OutboxEvent cancellation(StaleOrder order) {
    PaymentCancelRequested cancel = new PaymentCancelRequested(UUID.randomUUID(), order.orderId(), order.userId(),
        Timestamps.now());
    return new OutboxEvent(cancel.eventId(), "order", order.userId().toString(), settings.requestsTopic(),
        PaymentCancelRequested.EVENT_TYPE, cancel.encode());
  }
}
