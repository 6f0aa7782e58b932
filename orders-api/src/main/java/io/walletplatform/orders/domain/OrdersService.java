package io.walletplatform.orders.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.events.PaymentRequested;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.common.tracing.Tracing;
import io.walletplatform.orders.db.OrderRepository;
import io.walletplatform.orders.db.OrderRepository.OrderPage;

import java.util.UUID;

/**
 * Order use cases. Creating an order writes the order and its payment request to the outbox in
 * one transaction: Kafka being down does not stop orders, the request goes out when it is back.
 */
public final class OrdersService {

  private final Pool pool;
  private final OrderRepository repository;
  private final String requestsTopic;

  public OrdersService(Pool pool, OrderRepository repository, String requestsTopic) {
    this.pool = pool;
    this.repository = repository;
    this.requestsTopic = requestsTopic;
  }

  /**
   * Places an order for {@code userId}, paid from that user's account. With an Idempotency-Key
   * ({@code claim}, else null) the answer is stored in the order's own transaction: one order per key.
   */
  public Future<Order> create(UUID userId, Money amount, String description, String requestedBy,
                              io.vertx.core.json.JsonObject metadata, Claim claim) {
    // The request's trace (read now, on its context) continues from the outbox row to payments and back.
    String traceparent = Tracing.ofCurrentContext().currentTraceparent();
    return pool.withTransaction(tx ->
        repository.insert(tx, UUID.randomUUID(), userId, amount, description, requestedBy, metadata).compose(order -> {
          PaymentRequested request = new PaymentRequested(UUID.randomUUID(), order.orderId(), userId, amount,
              order.createdAt(), requestedBy);
          return Outbox.append(tx, new OutboxEvent(request.eventId(), "order", userId.toString(), requestsTopic,
                  PaymentRequested.EVENT_TYPE, request.encode()).withTraceparent(traceparent))
              .compose(appended -> recorded(tx, claim, 201, order, java.util.Map.of("Location", location(order.orderId()))));
        }));
  }

  /**
   * Asks for the refund of a FINISHED order, once: in one transaction the order (locked) records when
   * the refund was asked for and the refund request goes into the outbox, to payments' inbox, whose
   * answer moves the order to REFUNDED. A repeat while the refund is on its way answers the same
   * order (202) and sends nothing more; an order that is not FINISHED, or is REFUNDED already, is
   * ORDER_NOT_REFUNDABLE; another user's order is ORDER_NOT_FOUND.
   */
  public Future<Order> refund(Principal principal, UUID orderId, Claim claim) {
    String traceparent = Tracing.ofCurrentContext().currentTraceparent();
    String requestedBy = principal.subject();
    return pool.withTransaction(tx ->
        repository.lock(tx, orderId).compose(order -> {
          if (order == null || !principal.mayActForUser(order.userId())) {
            return Future.failedFuture(DomainError.notFound("ORDER_NOT_FOUND", "order " + orderId + " does not exist"));
          }
          if (order.status() == OrderStatus.FINISHED && order.refundRequestedAt() != null) {
            return recorded(tx, claim, 202, order, java.util.Map.of());
          }
          if (order.status() != OrderStatus.FINISHED) {
            return Future.failedFuture(DomainError.conflict("ORDER_NOT_REFUNDABLE", "order " + orderId + " is "
                + order.status() + (order.status() == OrderStatus.REFUNDED ? " already" : ": only a FINISHED order can be refunded")));
          }
          return repository.requestRefund(tx, orderId).compose(asked -> {
            PaymentRequested request = new PaymentRequested(UUID.randomUUID(), orderId, asked.userId(), asked.amount(),
                asked.refundRequestedAt(), requestedBy, true);
            return Outbox.append(tx, new OutboxEvent(request.eventId(), "order", asked.userId().toString(),
                    requestsTopic, request.eventType(), request.encode()).withTraceparent(traceparent))
                .compose(appended -> recorded(tx, claim, 202, asked, java.util.Map.of()));
          });
        }));
  }

  /** The order, its answer stored in {@code tx} when the request carries an Idempotency-Key. */
  private static Future<Order> recorded(io.vertx.sqlclient.SqlConnection tx, Claim claim, int status, Order order,
                                        java.util.Map<String, String> headers) {
    return claim == null ? Future.succeededFuture(order) : claim.record(tx, status, headers, order.toJson()).map(order);
  }

  public static String location(UUID orderId) {
    return "/api/v1/orders/" + orderId;
  }

  /** The order, when the principal may see it: its own, or anyone's for admin; otherwise ORDER_NOT_FOUND. */
  public Future<Order> get(Principal principal, UUID orderId) {
    return repository.find(pool, orderId).compose(order -> order == null || !principal.mayActForUser(order.userId())
        ? Future.failedFuture(DomainError.notFound("ORDER_NOT_FOUND", "order " + orderId + " does not exist"))
        : Future.succeededFuture(order));
  }

  public Future<OrderPage> list(UUID userId, Long beforeId, int limit, OrderRepository.OrderFilter filter) {
    return repository.listByUser(pool, userId, beforeId, limit, filter);
  }
}
