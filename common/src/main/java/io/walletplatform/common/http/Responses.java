package io.walletplatform.common.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import io.walletplatform.common.idempotency.IdempotentRequests;

import java.util.UUID;

/** Writing JSON responses and reading validated parameters, the same way in every handler. */
public final class Responses {

  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  /** Completes the request with the future's JSON, or hands its failure to the problem handler. */
  public static void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(done -> {
      if (done.succeeded()) {
        json(ctx, status, done.result());
      } else {
        ctx.fail(done.cause());
      }
    });
  }

  /** Writes a response that may be a replay: the stored status and body, byte for byte. */
  public static void stored(RoutingContext ctx, Future<IdempotentRequests.StoredResponse> result) {
    result.onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      ctx.response()
          .setStatusCode(done.result().status())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(done.result().body());
    });
  }

  public static String header(RoutingContext ctx, String name) {
    ValidatedRequest validated = validated(ctx);
    if (validated == null) {
      return ctx.request().getHeader(name);
    }
    RequestParameter parameter = validated.getHeaders().get(name);
    return parameter == null || parameter.isNull() ? null : parameter.getString();
  }

  /** The Idempotency-Key header, checked (1 to 255 characters) also where the library did not validate. */
  public static String idempotencyKey(RoutingContext ctx) {
    String key = header(ctx, "Idempotency-Key");
    if (key != null && (key.isEmpty() || key.length() > 255)) {
      throw ProblemException.validation("Idempotency-Key", "must be 1 to 255 characters");
    }
    return key;
  }

  public static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public static UUID pathUuid(RoutingContext ctx, String name) {
    RequestParameter parameter = validated(ctx).getPathParameters().get(name);
    return RequestBodies.parseUuid(name, parameter == null ? null : parameter.getString());
  }

  public static String query(RoutingContext ctx, String name) {
    RequestParameter parameter = validated(ctx).getQuery().get(name);
    return parameter == null || parameter.isNull() ? null : parameter.getString();
  }

  public static int queryInt(RoutingContext ctx, String name, int defaultValue) {
    RequestParameter parameter = validated(ctx).getQuery().get(name);
    return parameter == null || parameter.isNull() ? defaultValue : parameter.getInteger();
  }
}
