package io.walletplatform.orders.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.events.PaymentRequested;
import io.walletplatform.common.http.ProblemException;
import io.walletplatform.common.idempotency.IdempotentRequests;
import io.walletplatform.common.idempotency.IdempotentRequests.StoredResponse;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.common.ops.Tracing;
import io.walletplatform.orders.db.OrderRepository;
import io.walletplatform.orders.db.OrderRepository.OrderPage;

import java.util.UUID;

/**
 * Order use cases. Creating an order writes the order and its payment request to the outbox in
 * one transaction: Kafka being down does not stop orders, the request goes out when it is back.
 */
public final class OrdersService {

  public static final String CREATE_SCOPE = "orders:create";

  private final Pool pool;
  private final OrderRepository repository;
  private final IdempotentRequests idempotency;
  private final String requestsTopic;

  public OrdersService(Pool pool, OrderRepository repository, String requestsTopic) {
    this.pool = pool;
    this.repository = repository;
    this.requestsTopic = requestsTopic;
    this.idempotency = new IdempotentRequests(pool);
  }

  /**
   * Places an order for {@code userId}, paid from that user's account. The Idempotency-Key is the
   * requester's own: two principals sending the same key never see each other's orders.
   */
  public Future<StoredResponse> create(UUID userId, Money amount, String description, String requestedBy,
                                       String idempotencyKey, String fingerprint) {
    // The request's trace (read now, on its context) continues from the outbox row to payments and back.
    String traceparent = Tracing.ofCurrentContext().currentTraceparent();
    return idempotency.execute(CREATE_SCOPE + ":" + requestedBy, idempotencyKey, fingerprint, tx ->
        repository.insert(tx, UUID.randomUUID(), userId, amount, description, requestedBy).compose(order -> {
          PaymentRequested request = new PaymentRequested(UUID.randomUUID(), order.orderId(), userId, amount,
              order.createdAt(), requestedBy);
          return Outbox.append(tx, new OutboxEvent(request.eventId(), "order", userId.toString(), requestsTopic,
                  PaymentRequested.EVENT_TYPE, request.encode()).withTraceparent(traceparent))
              .map(new StoredResponse(201, order.toJson().encode()));
        }));
  }

  /** The order, when the principal may see it: its own, or anyone's for admin; otherwise ORDER_NOT_FOUND. */
  public Future<Order> get(Principal principal, UUID orderId) {
    return repository.find(pool, orderId).compose(order -> order == null || !principal.mayActForUser(order.userId())
        ? Future.failedFuture(ProblemException.notFound("ORDER_NOT_FOUND", "order " + orderId + " does not exist"))
        : Future.succeededFuture(order));
  }

  public Future<OrderPage> list(UUID userId, Long beforeId, int limit) {
    return repository.listByUser(pool, userId, beforeId, limit);
  }
}
