package io.walletplatform.common.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

import java.util.UUID;

/** Writing JSON responses and reading validated parameters, the same way in every handler. */
public final class Responses {

  private Responses() {
  }

  /**
   * Something that must finish before a request's answer is written, given its status, headers and
   * body (null for a problem): the Idempotency-Key's store or release. Called once, for the first answer.
   */
  @FunctionalInterface
  public interface AnswerHook {
    Future<Void> beforeAnswer(int status, MultiMap headers, Buffer body);
  }

  private static final String HOOK = AnswerHook.class.getName();

  /** Runs {@code hook} before this request's answer, a success (here) or a problem ({@link ProblemHandler}). */
  public static void beforeAnswer(RoutingContext ctx, AnswerHook hook) {
    ctx.put(HOOK, hook);
  }

  /** Takes the request's hook (so that it runs once), or null. */
  static AnswerHook takeHook(RoutingContext ctx) {
    return ctx.remove(HOOK);
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx, status, body.toBuffer());
  }

  /** Answers with JSON text already written (JsonText). */
  public static void json(RoutingContext ctx, int status, Buffer bytes) {
    AnswerHook hook = takeHook(ctx);
    if (hook == null) {
      send(ctx, status, bytes);
      return;
    }
    hook.beforeAnswer(status, ctx.response().headers(), bytes).onComplete(done -> send(ctx, status, bytes));
  }

  private static void send(RoutingContext ctx, int status, Buffer body) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return; // answered already: the request timed out meanwhile
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }

  /** Completes the request with the future's JSON, or hands its failure to the problem handler. */
  public static void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    replyText(ctx, status, result.map(JsonObject::toBuffer));
  }

  /** {@link #reply} for a body that is JSON text already (JsonText): nothing encoded again. */
  public static void replyText(RoutingContext ctx, int status, Future<Buffer> result) {
    result.onComplete(done -> {
      if (done.succeeded()) {
        json(ctx, status, done.result());
      } else {
        ctx.fail(done.cause());
      }
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
