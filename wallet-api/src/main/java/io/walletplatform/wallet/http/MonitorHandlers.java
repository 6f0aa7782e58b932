package io.walletplatform.wallet.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.wallet.BalanceMonitor;
import io.walletplatform.wallet.domain.MonitorService;

import java.util.Map;
import java.util.UUID;

/** The balance monitors' operations of {@code wallet-api.yaml}. */
public final class MonitorHandlers {

  private final MonitorService service;

  public MonitorHandlers(MonitorService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "createMonitor", this::createMonitor,
        "listMonitors", this::listMonitors,
        "deleteMonitor", this::deleteMonitor);
  }

  void createMonitor(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    JsonNode body = RequestBodies.object(ctx);
    BalanceMonitor.Field field = choice(body, "field", BalanceMonitor.Field::parse);
    BalanceMonitor.Operator operator = choice(body, "operator", BalanceMonitor.Operator::parse);
    MonitorService.NewMonitor request = new MonitorService.NewMonitor(field, operator,
        RequestBodies.signedDecimal(body, "value"), RequestBodies.metadata(body, "metadata"));
    UUID monitorId = Claim.idFor(ctx, null);
    Responses.reply(ctx, 201, service.create(Principal.of(ctx), walletId, monitorId, request).map(created -> {
      ctx.response().putHeader("Location", "/api/v1/wallets/" + walletId + "/monitors/" + monitorId);
      return created.toJson();
    }));
  }

  private static <E> E choice(JsonNode body, String name, java.util.function.Function<String, E> parse) {
    try {
      return parse.apply(RequestBodies.text(body, name));
    } catch (IllegalArgumentException unknown) {
      throw ProblemException.validation(name, "is not one of the allowed values");
    }
  }

  void listMonitors(RoutingContext ctx) {
    Responses.reply(ctx, 200, service.list(Principal.of(ctx), Responses.pathUuid(ctx, "walletId")).map(monitors -> {
      JsonArray items = new JsonArray();
      monitors.forEach(monitor -> items.add(monitor.toJson()));
      return new JsonObject().put("items", items);
    }));
  }

  void deleteMonitor(RoutingContext ctx) {
    service.delete(Principal.of(ctx), Responses.pathUuid(ctx, "walletId"), Responses.pathUuid(ctx, "monitorId"))
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
