package io.walletplatform.orders.http;

import io.walletplatform.common.util.Enums;
import io.walletplatform.orders.domain.OrderStatus;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.http.Cursors;
import io.walletplatform.common.http.ListFilters;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.money.Money;
import io.walletplatform.orders.db.OrderRepository;
import io.walletplatform.orders.domain.Order;
import io.walletplatform.orders.domain.OrdersService;

import java.util.Map;
import java.util.UUID;

/** One handler per operationId of {@code orders-api.yaml}. */
public final class OrdersHandlers {

  /** Operations whose handler enforces every rule of the contract itself (the hot write path). */
  public static final java.util.Set<String> CHECKED_BY_HANDLER = java.util.Set.of("createOrder");

  private static final int MAX_DESCRIPTION_CODE_POINTS = 500;

  private final OrdersService service;

  public OrdersHandlers(OrdersService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "createOrder", this::createOrder,
        "listOrders", this::listOrders,
        "getOrder", this::getOrder,
        "refundOrder", this::refundOrder);
  }

  void createOrder(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    Principal principal = Principal.of(ctx);
    UUID userId = principal.userId(RequestBodies.optionalUuid(body, "userId"));
    Money amount = RequestBodies.amount(body, "amount", false);
    String description = RequestBodies.text(body, "description");
    int length = description.codePointCount(0, description.length());
    if (length < 1 || length > MAX_DESCRIPTION_CODE_POINTS || description.isBlank()) {
      throw ProblemException.validation("description", "must be 1 to 500 characters, not only blanks");
    }
    io.vertx.core.json.JsonObject metadata = RequestBodies.metadata(body, "metadata");
    Responses.reply(ctx, 201, service.create(userId, amount, description, principal.subject(), metadata, Claim.of(ctx))
        .map(order -> {
          ctx.response().putHeader("Location", OrdersService.location(order.orderId()));
          return order.toJson();
        }));
  }

  void listOrders(RoutingContext ctx) {
    String requested = Responses.query(ctx, "userId");
    UUID userId = Principal.of(ctx).userId(requested == null ? null : RequestBodies.parseUuid("userId", requested));
    int limit = Responses.queryInt(ctx, "limit", 50);
    Long before = Cursors.decode(Responses.query(ctx, "cursor"));
    Responses.reply(ctx, 200, service.list(userId, before, limit, filter(ctx)).map(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(order -> items.add(order.toJson()));
      String next = page.items().size() == limit && page.lastId() != null ? Cursors.encode(page.lastId()) : null;
      return new JsonObject().put("items", items).put("nextCursor", next);
    }));
  }

  /** The list's filters: status, minAmount and maxAmount (inclusive), from and to on createdAt, metadata[name]. */
  static OrderRepository.OrderFilter filter(RoutingContext ctx) {
    ListFilters.Amounts amounts = ListFilters.amounts(ctx);
    ListFilters.Period period = ListFilters.period(ctx);
    return new OrderRepository.OrderFilter(
        // The contract's enum is checked by the router: 400 before this runs.
        Enums.of(OrderStatus.class, Responses.query(ctx, "status")), amounts.minMinor(Money.SCALE),
        amounts.maxMinor(Money.SCALE), period.from(), period.to(), RequestBodies.metadataFilter(ctx.queryParams()));
  }

  void refundOrder(RoutingContext ctx) {
    Responses.reply(ctx, 202, service.refund(Principal.of(ctx), Responses.pathUuid(ctx, "orderId"), Claim.of(ctx))
        .map(Order::toJson));
  }

  void getOrder(RoutingContext ctx) {
    Responses.reply(ctx, 200, service.get(Principal.of(ctx), Responses.pathUuid(ctx, "orderId")).map(Order::toJson));
  }
}
