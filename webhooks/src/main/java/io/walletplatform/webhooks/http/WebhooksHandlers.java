package io.walletplatform.webhooks.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.http.Cursors;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.webhooks.domain.Delivery;
import io.walletplatform.webhooks.domain.WebhookService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One handler per operationId of {@code webhooks-api.yaml}. */
public final class WebhooksHandlers {

  private final WebhookService service;

  public WebhooksHandlers(WebhookService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "createWebhook", this::create,
        "listWebhooks", this::list,
        "deleteWebhook", this::delete,
        "listDeliveries", this::deliveries,
        "retryDelivery", this::retry);
  }

  void create(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    String url = RequestBodies.text(body, "url");
    JsonNode events = body.get("events");
    if (events == null || !events.isArray() || events.isEmpty() || events.size() > 20) {
      throw ProblemException.validation("events", "must be an array of 1 to 20 event types");
    }
    List<String> types = new ArrayList<>();
    for (JsonNode type : events) {
      if (!type.isTextual()) {
        throw ProblemException.validation("events", "must contain event type names (strings)");
      }
      types.add(type.textValue());
    }
    Responses.reply(ctx, 201, service.create(Principal.of(ctx), url, types, Claim.of(ctx)).map(created -> {
      created.headers().forEach(ctx.response()::putHeader);
      return created.toJson();
    }));
  }

  void list(RoutingContext ctx) {
    Responses.reply(ctx, 200, service.list(Principal.of(ctx)).map(subscriptions -> {
      JsonArray items = new JsonArray();
      subscriptions.forEach(subscription -> items.add(subscription.toJson()));
      return new JsonObject().put("items", items).put("nextCursor", null);
    }));
  }

  void delete(RoutingContext ctx) {
    service.delete(Principal.of(ctx), Responses.pathUuid(ctx, "webhookId"))
        .onSuccess(ignored -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  void deliveries(RoutingContext ctx) {
    UUID webhookId = Responses.pathUuid(ctx, "webhookId");
    int limit = Responses.queryInt(ctx, "limit", 50);
    Long before = Cursors.decode(Responses.query(ctx, "cursor"));
    Responses.reply(ctx, 200, service.deliveries(Principal.of(ctx), webhookId, before, limit).map(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(delivery -> items.add(delivery.toJson()));
      return new JsonObject().put("items", items)
          .put("nextCursor", page.lastId() == null ? null : Cursors.encode(page.lastId()));
    }));
  }

  void retry(RoutingContext ctx) {
    Responses.reply(ctx, 202, service.retry(Principal.of(ctx), Responses.pathUuid(ctx, "webhookId"),
        Responses.pathUuid(ctx, "deliveryId")).map(Delivery::toJson));
  }
}
