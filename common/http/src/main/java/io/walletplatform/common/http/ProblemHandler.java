package io.walletplatform.common.http;

import io.walletplatform.common.errors.FieldError;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.errors.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.walletplatform.common.db.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one failure handler: every failure of every route becomes an RFC 9457
 * {@code application/problem+json} response. Expected outcomes arrive as a {@link DomainError} (its kind
 * mapped to a status here, and nowhere else) or, from the HTTP layer itself, a {@link ProblemException};
 * OpenAPI validation failures become 400 with the offending fields named; anything else is a bug,
 * logged once here with an id the client also sees, and answered 500 without internals.
 */
public final class ProblemHandler implements Handler<RoutingContext> {

  public static final String CONTENT_TYPE = "application/problem+json";

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  private static final Pattern PARAMETER = Pattern.compile("(path|query|header|cookie) parameter (\\S+?)[:,.]?(\\s|$)");
  private static final Pattern REQUIRED_PROPERTY = Pattern.compile("required property \"?([^\"\\s]+)\"?");

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ProblemException problem = toProblem(ctx);
    Responses.AnswerHook hook = Responses.takeHook(ctx);
    if (hook == null) {
      write(ctx, problem);
      return;
    }
    hook.beforeAnswer(problem.status(), ctx.response().headers(), null).onComplete(done -> {
      if (!ctx.response().ended() && !ctx.response().headWritten()) {
        write(ctx, problem);
      }
    });
  }

  /** Writes a problem response for the request. */
  public static void write(RoutingContext ctx, ProblemException problem) {
    JsonObject body = body(problem, ctx.request().path());
    HttpServerResponse response = ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
    problem.headers().forEach(response::putHeader);
    endClosingIfBodyUnread(ctx, io.vertx.core.buffer.Buffer.buffer(body.encode()));
  }

  /**
   * Ends the response; when the request's body is still unread (answered from its headers: a bad
   * token, a refused rate or admission, a declared length over the limit) the connection closes
   * after the answer, with {@code Connection: close}: Vert.x would otherwise read the rest of the
   * body and throw it away to keep the connection, so a refusal would cost what the client chose to send.
   */
  public static void endClosingIfBodyUnread(RoutingContext ctx, io.vertx.core.buffer.Buffer body) {
    if (!bodyUnread(ctx)) {
      ctx.response().end(body);
      return;
    }
    io.vertx.core.http.HttpConnection connection = ctx.request().connection();
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close").end(body).onComplete(written -> connection.close());
  }

  private static boolean bodyUnread(RoutingContext ctx) {
    io.vertx.core.http.HttpServerRequest request = ctx.request();
    if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2 || request.isEnded()
        || (ctx.body() != null && ctx.body().available())) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return (length != null && !length.equals("0")) || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /** The RFC 9457 body of a problem; {@code instance} may be {@code null} when no path could be read. */
  public static JsonObject body(ProblemException problem, String instance) {
    JsonObject body = new JsonObject()
        .put("type", "/problems/" + problem.code().toLowerCase().replace('_', '-'))
        .put("title", problem.title())
        .put("status", problem.status())
        .put("code", problem.code())
        .put("detail", problem.detail());
    if (instance != null) {
      body.put("instance", instance);
    }
    problem.extensions().forEach(body::put);
    if (!problem.errors().isEmpty()) {
      JsonArray errors = new JsonArray();
      for (FieldError error : problem.errors()) {
        errors.add(new JsonObject().put("field", error.field()).put("message", error.message()));
      }
      body.put("errors", errors);
    }
    return body;
  }

  static ProblemException toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException validation) {
      // The OpenAPI router reports a validation failure as a bare 400 with the details as its cause.
      failure = validation;
    }
    if (failure instanceof ProblemException problem) {
      return problem;
    }
    if (failure instanceof DomainError error) {
      return toProblem(error);
    }
    if (failure instanceof SchemaValidationException invalid) {
      return ProblemException.validation(fieldErrors(invalid));
    }
    if (failure instanceof ValidatorException invalid) {
      return fromValidator(invalid);
    }
    boolean clientError = failure instanceof HttpException http && http.getStatusCode() < 500;
    if (failure != null && !clientError && Failures.isTransient(failure)) {
      // PostgreSQL, Redis or Kafka unreachable or overloaded: the client may retry, nothing is wrong with its request.
      log.warn("dependency unavailable on {} {}: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      return ProblemException.unavailable("a service this request needs is unavailable; retry later", 2);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    return switch (status) {
      case 400 -> new ProblemException(400, "MALFORMED_JSON", "Malformed request",
          "the request could not be read", List.of(), Map.of());
      // vertx-web's bearer handler has already set the WWW-Authenticate challenge.
      case 401 -> ProblemException.unauthenticated("a valid bearer token is required", null);
      case 403 -> ProblemException.forbidden("the token does not grant the scope this operation needs");
      case 404 -> new ProblemException(404, "NOT_FOUND", "Not found",
          "no resource at " + ctx.request().path(), List.of(), Map.of());
      case 405 -> new ProblemException(405, "METHOD_NOT_ALLOWED", "Method not allowed",
          ctx.request().method() + " is not allowed on " + ctx.request().path(), List.of(), Map.of());
      case 413 -> new ProblemException(413, "PAYLOAD_TOO_LARGE", "Payload too large",
          "request bodies are limited to 64 KiB", List.of(), Map.of());
      case 415 -> unsupportedMediaType();
      case 503 -> ProblemException.unavailable("the request did not finish in time; retry later", 2);
      default -> internalError(ctx, failure);
    };
  }

  /**
   * A domain outcome as the client hears it: the one place where a {@link DomainError.Kind} gets its status,
   * each kind the problem of the same name (its status, title and headers written once, in ProblemException).
   */
  static ProblemException toProblem(DomainError error) {
    ProblemException problem = switch (error.kind()) {
      case INVALID -> ProblemException.validation(error.errors());
      case FORBIDDEN -> ProblemException.forbidden(error.detail());
      case NOT_FOUND -> ProblemException.notFound(error.code(), error.detail());
      case CONFLICT -> ProblemException.conflict(error.code(), error.detail());
      case UNPROCESSABLE -> ProblemException.unprocessable(error.code(), error.detail(), error.errors());
      case UNAVAILABLE -> ProblemException.unavailable(error.detail(), error.retryAfterSeconds());
    };
    for (Map.Entry<String, String> member : error.extensions().entrySet()) {
      problem = problem.with(member.getKey(), member.getValue());
    }
    return problem;
  }

  private static ProblemException fromValidator(ValidatorException invalid) {
    String message = invalid.getMessage() == null ? "invalid request" : invalid.getMessage();
    boolean aboutBody = message.contains("request body");
    if (invalid.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && aboutBody) {
      return unsupportedMediaType();
    }
    if (aboutBody && (invalid.type() == ValidatorErrorType.INVALID_VALUE_FORMAT || message.contains("decode"))) {
      return new ProblemException(400, "MALFORMED_JSON", "Malformed JSON",
          "the request body is not valid JSON", List.of(new FieldError("body", "is not valid JSON")), Map.of());
    }
    String field = aboutBody ? "body" : parameterName(message);
    String reason = invalid.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER ? "is required" : "is invalid";
    return ProblemException.validation(field, reason);
  }

  private static ProblemException unsupportedMediaType() {
    return new ProblemException(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
        "request bodies must be application/json", List.of(), Map.of());
  }

  private static ProblemException internalError(RoutingContext ctx, Throwable failure) {
    String errorId = UUID.randomUUID().toString();
    log.error("unhandled failure errorId={} {} {}", errorId, ctx.request().method(), ctx.request().path(), failure);
    return new ProblemException(500, "INTERNAL_ERROR", "Internal server error",
        "an unexpected error occurred; errorId " + errorId, List.of(), Map.of());
  }

  static List<FieldError> fieldErrors(SchemaValidationException invalid) {
    String message = invalid.getMessage() == null ? "" : invalid.getMessage();
    boolean aboutParameter = PARAMETER.matcher(message).find();
    OutputUnit root = invalid.getOutputUnit();
    List<OutputUnit> leaves = new ArrayList<>();
    collectLeaves(root, leaves);
    // The validator lists an error for every schema level it passed through ("Property x does not
    // match schema", "A subschema had errors", then the reason): per field, keep the deepest one.
    Map<String, FieldError> byField = new LinkedHashMap<>();
    Map<String, Integer> depthByField = new LinkedHashMap<>();
    for (OutputUnit leaf : leaves) {
      String error = leaf.getError() == null ? "is invalid" : leaf.getError();
      String field;
      if (aboutParameter) {
        field = parameterName(message);
      } else {
        field = pointerToField(leaf.getInstanceLocation());
        Matcher required = REQUIRED_PROPERTY.matcher(error);
        if (required.find()) {
          field = field.isEmpty() ? required.group(1) : field + "." + required.group(1);
          error = "is required";
        }
      }
      if (field.isEmpty()) {
        field = "body";
      }
      int depth = leaf.getKeywordLocation() == null ? 0 : leaf.getKeywordLocation().length();
      if (depth >= depthByField.getOrDefault(field, -1)) {
        depthByField.put(field, depth);
        byField.put(field, new FieldError(field, describe(error)));
      }
    }
    if (byField.isEmpty()) {
      String field = aboutParameter ? parameterName(message) : "body";
      byField.put(field, new FieldError(field, "is invalid"));
    }
    return List.copyOf(byField.values());
  }

  private static void collectLeaves(OutputUnit unit, List<OutputUnit> leaves) {
    if (unit == null) {
      return;
    }
    if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
      if (unit.getError() != null) {
        leaves.add(unit);
      }
      return;
    }
    for (OutputUnit child : unit.getErrors()) {
      collectLeaves(child, leaves);
    }
  }

  private static String parameterName(String message) {
    Matcher matcher = PARAMETER.matcher(message);
    return matcher.find() ? matcher.group(2) : "parameter";
  }

  private static String pointerToField(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    String pointer = instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
    if (pointer.startsWith("/")) {
      pointer = pointer.substring(1);
    }
    return pointer.replace('/', '.');
  }

  /** Schema errors read like "Instance type string is invalid. Expected number": keep them, lower-cased and short. */
  private static String describe(String error) {
    String text = error.trim();
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.length() > 200 ? text.substring(0, 200) : text;
  }
}
