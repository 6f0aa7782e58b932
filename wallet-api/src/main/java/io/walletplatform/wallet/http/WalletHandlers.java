package io.walletplatform.wallet.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.http.Cursors;
import io.walletplatform.common.http.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.wallet.domain.OperationView;
import io.walletplatform.wallet.domain.WalletService;

import java.util.Map;
import java.util.UUID;

/** One handler per operationId of {@code wallet-api.yaml}. */
public final class WalletHandlers {

  /** Operations whose handler enforces every rule of the contract itself (the hot write path). */
  public static final java.util.Set<String> CHECKED_BY_HANDLER = java.util.Set.of("submitOperation");

  private final WalletService service;

  public WalletHandlers(WalletService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "createWallet", this::createWallet,
        "getWallet", this::getWallet,
        "submitOperation", this::submitOperation,
        "getOperation", this::getOperation,
        "listOperations", this::listOperations);
  }

  void createWallet(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    UUID requested = RequestBodies.optionalUuid(body, "walletId");
    UUID walletId = requested != null ? requested : UUID.randomUUID();
    Money initialBalance = RequestBodies.optionalAmount(body, "initialBalance");
    ctx.response().putHeader("Location", "/api/v1/wallets/" + walletId);
    Responses.reply(ctx, 201, service.createWallet(Principal.of(ctx), walletId, initialBalance)
        .map(WalletService.OwnedWallet::toJson));
  }

  void getWallet(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    Responses.reply(ctx, 200, service.getWallet(Principal.of(ctx), walletId).map(WalletService.OwnedWallet::toJson));
  }

  void submitOperation(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    UUID walletId = RequestBodies.uuid(body, "walletId");
    OperationType type = operationType(RequestBodies.text(body, "operationType"));
    Money amount = RequestBodies.amount(body, "amount", false);
    UUID operationId = RequestBodies.optionalUuid(body, "operationId");
    Responses.reply(ctx, 202, service.submit(Principal.of(ctx), walletId, type, amount, operationId).map(operation -> {
      ctx.response().putHeader("Location", location(operation));
      return operation.toJson();
    }));
  }

  void getOperation(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    UUID operationId = Responses.pathUuid(ctx, "operationId");
    Responses.reply(ctx, 200, service.getOperation(Principal.of(ctx), walletId, operationId).map(OperationView::toJson));
  }

  void listOperations(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    int limit = Responses.queryInt(ctx, "limit", 50);
    Long before = Cursors.decode(Responses.query(ctx, "cursor"));
    Responses.reply(ctx, 200, service.listOperations(Principal.of(ctx), walletId, before, limit).map(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(operation -> items.add(operation.toJson()));
      String next = page.items().size() == limit && page.lastId() != null ? Cursors.encode(page.lastId()) : null;
      return new JsonObject().put("items", items).put("nextCursor", next);
    }));
  }

  private static OperationType operationType(String text) {
    try {
      return OperationType.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation("operationType", "must be DEPOSIT or WITHDRAW");
    }
  }

  private static String location(OperationView operation) {
    return "/api/v1/wallets/" + operation.walletId() + "/operations/" + operation.operationId();
  }
}
