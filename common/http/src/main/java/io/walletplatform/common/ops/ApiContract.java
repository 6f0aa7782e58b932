package io.walletplatform.common.ops;

import io.walletplatform.common.http.RequestTargets;
import io.walletplatform.common.http.ProblemHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import io.walletplatform.common.auth.Authentication;

import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One API's OpenAPI document and the router built from it. The document defines the routes:
 * every operationId must have a handler, and a handler without an operation is refused, so the
 * contract and the code cannot drift apart silently.
 */
public record ApiContract(String name, OpenAPIContract contract, Buffer document, Router router) {

  /** Where every API path is (API.md); a contract declaring a path elsewhere is refused. */
  public static final String API_ROOT = "/api/v1/";

  /** Request bodies above this many bytes are refused with 413. */
  public static final long BODY_LIMIT_BYTES = 64 * 1024;

  /**
   * Loads {@code openapi/<name>.yaml} from the classpath and binds the handlers by operationId.
   */
  public static Future<ApiContract> load(Vertx vertx, String name, Map<String, Handler<RoutingContext>> handlers,
                                         Authentication authentication) {
    return load(vertx, name, handlers, Set.of(), authentication);
  }

  /**
   * Like {@link #load(Vertx, String, Map)}, but the operations in {@code checkedByHandler} skip the
   * library's request validation: vertx-openapi 5.0.8 builds a new schema validator for every
   * validation, copying its whole schema repository (meta-schemas included), which was the largest
   * CPU cost of the accept path under load. Those handlers must enforce every rule of their
   * operation themselves (they read the body exactly anyway, for money); the content type is
   * checked here.
   *
   * <p>Every operation's security requirement is enforced by the router with the bearer handler of
   * {@code authentication} (the scopes each operation names included); write operations (POST) then
   * pass the per-principal rate limit.
   */
  public static Future<ApiContract> load(Vertx vertx, String name, Map<String, Handler<RoutingContext>> handlers,
                                         Set<String> checkedByHandler, Authentication authentication) {
    return load(vertx, name, handlers, checkedByHandler, Map.of(), authentication);
  }

  /**
   * Like {@link #load(Vertx, String, Map, Set, Authentication)}, with handlers that run on an
   * operation after its token, scopes and write limit were checked and before its body is read
   * ({@code beforeBody}, by operationId: wallet-api's admission, say). Such a handler that holds a
   * request keeps it paused; one that lets it on calls {@code next()} on the same call stack as the
   * resume, so that no body chunk is delivered before the body handler listens.
   */
  public static Future<ApiContract> load(Vertx vertx, String name, Map<String, Handler<RoutingContext>> handlers,
                                         Set<String> checkedByHandler, Map<String, Handler<RoutingContext>> beforeBody,
                                         Authentication authentication) {
    return load(vertx, name, handlers, checkedByHandler, beforeBody, null, authentication);
  }

  /**
   * Like {@link #load(Vertx, String, Map, Set, Map, Authentication)}, with a handler made for each POST
   * operation (by its operationId) that runs after its body is read and validated and before its own
   * handler: the Idempotency-Key mechanism of every service.
   */
  public static Future<ApiContract> load(Vertx vertx, String name, Map<String, Handler<RoutingContext>> handlers,
                                         Set<String> checkedByHandler, Map<String, Handler<RoutingContext>> beforeBody,
                                         Function<String, Handler<RoutingContext>> beforeEveryPost,
                                         Authentication authentication) {
    String resource = "openapi/" + name + ".yaml";
    return vertx.fileSystem().readFile(resource).compose(document ->
        OpenAPIContract.from(vertx, forRouter(document.toString(StandardCharsets.UTF_8)))
            .map(contract -> new ApiContract(name, contract, document,
                buildRouter(vertx, contract, handlers, checkedByHandler, beforeBody, beforeEveryPost, authentication))));
  }

  /**
   * The root handlers of an API's router run on its own paths only: the APIs are mounted ahead of the
   * process's other routes (HttpFront), and a token request's Basic credentials, say, are not an API's bearer token.
   */
  private static PlatformHandler onApiPaths(Handler<RoutingContext> handler) {
    return ctx -> {
      if (ctx.normalizedPath().startsWith(API_ROOT)) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  private static void requireJsonBody(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("content-type");
    boolean json = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    if (!json && ctx.body() != null && ctx.body().length() > 0) {
      ctx.fail(415);
      return;
    }
    ctx.next();
  }

  /** The paths a document declares (the keys of its {@code paths}), in its order. */
  @SuppressWarnings("unchecked")
  public static List<String> paths(String yaml) {
    Object paths = ((Map<String, Object>) new Yaml().load(yaml)).get("paths");
    return paths instanceof Map<?, ?> declared ? new ArrayList<>((java.util.Collection<String>) declared.keySet())
        : List.of();
  }

  private static final java.util.Set<String> ROUTER_MEDIA_TYPES = java.util.Set.of("application/json",
      "application/octet-stream", "text/plain");

  /**
   * The document as the router needs it. vertx-openapi refuses response media types other than a
   * fixed list (application/problem+json and text/csv are not on it) although it never validates
   * responses, and refuses {@code deepObject} query parameters (the lists' {@code metadata[name]=value}
   * filters, which their handlers read and check themselves), so the router gets a copy without
   * either; clients get the document as written.
   */
  @SuppressWarnings("unchecked")
  static JsonObject forRouter(String yaml) {
    JsonObject document = new JsonObject((Map<String, Object>) new Yaml().load(yaml));
    List<JsonObject> responseSets = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths", new JsonObject());
    JsonObject components = document.getJsonObject("components", new JsonObject());
    JsonObject declaredParameters = components.getJsonObject("parameters", new JsonObject());
    Set<String> deepObjects = new HashSet<>();
    for (String name : declaredParameters.fieldNames()) {
      if ("deepObject".equals(declaredParameters.getJsonObject(name).getString("style"))) {
        deepObjects.add("#/components/parameters/" + name);
      }
    }
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        Object operation = item.getValue(method);
        if (operation instanceof JsonObject op && op.containsKey("responses")) {
          responseSets.add(op.getJsonObject("responses"));
        }
        if (operation instanceof JsonObject op && op.getValue("parameters") instanceof io.vertx.core.json.JsonArray params) {
          params.getList().removeIf(parameter -> parameter instanceof Map<?, ?> declared
              && ("deepObject".equals(declared.get("style")) || deepObjects.contains(declared.get("$ref"))));
        }
      }
    }
    deepObjects.forEach(ref -> declaredParameters.remove(ref.substring("#/components/parameters/".length())));
    if (components.containsKey("responses")) {
      responseSets.add(components.getJsonObject("responses"));
    }
    for (JsonObject responses : responseSets) {
      for (String status : responses.fieldNames()) {
        JsonObject response = responses.getJsonObject(status);
        JsonObject content = response.getJsonObject("content");
        if (content != null) {
          content.fieldNames().removeIf(type -> !ROUTER_MEDIA_TYPES.contains(type));
          if (content.isEmpty()) {
            response.remove("content");
          }
        }
      }
    }
    return document;
  }

  private static Router buildRouter(Vertx vertx, OpenAPIContract contract,
                                    Map<String, Handler<RoutingContext>> handlers, Set<String> checkedByHandler,
                                    Map<String, Handler<RoutingContext>> beforeBody,
                                    Function<String, Handler<RoutingContext>> beforeEveryPost,
                                    Authentication authentication) {
    for (io.vertx.openapi.contract.Path path : contract.getPaths()) {
      if (!path.getName().startsWith(API_ROOT)) {
        throw new IllegalStateException("every API path is under " + API_ROOT + ": " + path.getName());
      }
    }
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
    builder.rootHandler(onApiPaths(Authentication.WELL_FORMED));
    builder.security(Authentication.SCHEME).httpHandler(authentication.bearer());
    RequestValidator validator = RequestValidator.create(vertx, contract);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
    Set<String> unbound = new HashSet<>(handlers.keySet());
    List<String> missing = new ArrayList<>();
    for (OpenAPIRoute route : builder.getRoutes()) {
      Operation operation = route.getOperation();
      String operationId = operation.getOperationId();
      Handler<RoutingContext> handler = handlers.get(operationId);
      if (handler == null) {
        missing.add(operationId);
        continue;
      }
      unbound.remove(operationId);
      if (operation.getSecurityRequirements() == null || operation.getSecurityRequirements().isEmpty()) {
        throw new IllegalStateException(operationId + " declares no security requirement: every API operation needs a token");
      }
      // The route's first handler is the builder's: the bearer token and the operation's scopes. Then
      // what needs no body (the principal's rate, beforeBody), and only then is the body read and checked.
      route.setDoValidation(false);
      route.addHandler(operation.getHttpMethod() == io.vertx.core.http.HttpMethod.GET
          ? authentication.reads()::handle : authentication.writes()::handle);
      Handler<RoutingContext> beforeItsBody = beforeBody.get(operationId);
      if (beforeItsBody != null) {
        route.addHandler(beforeItsBody);
      }
      route.addHandler(body::handle);
      route.addHandler(checkedByHandler.contains(operationId)
          ? ApiContract::requireJsonBody : validation(extractor, validator, operation));
      if (beforeEveryPost != null && io.vertx.core.http.HttpMethod.POST.equals(operation.getHttpMethod())) {
        route.addHandler(beforeEveryPost.apply(operationId));
      }
      route.addHandler(handler);
      route.addFailureHandler(new ProblemHandler());
    }
    if (!missing.isEmpty() || !unbound.isEmpty()) {
      throw new IllegalStateException("contract and handlers disagree: operations without a handler " + missing
          + ", handlers without an operation " + unbound);
    }
    if (!handlers.keySet().containsAll(beforeBody.keySet())) {
      throw new IllegalStateException("handlers before the body for operations the contract lacks: " + beforeBody.keySet());
    }
    Router router = builder.createRouter();
    router.errorHandler(400, RequestTargets::rejectUndecodable);
    return router;
  }

  /**
   * The builder's own request validation (its handler when a route validates), placed by us after the
   * body handler: the builder puts its validation right after the security handler, where the body
   * would have to be read already, by a root handler, before the token, the rate and admission were
   * checked. Each operation is thus one route, matched once, instead of a token-first route of its own
   * ahead of the router's and the operation's route after it (which cost every API request two route
   * matches per operation declared before its own).
   */
  private static Handler<RoutingContext> validation(RequestExtractor extractor, RequestValidator validator,
                                                    Operation operation) {
    String operationId = operation.getOperationId();
    return ctx -> extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> validator.validate(request, operationId))
        .onComplete(validated -> {
          if (validated.succeeded()) {
            ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated.result());
            ctx.next();
          } else if (validated.cause() instanceof ValidatorException) {
            ctx.fail(new HttpException(400, validated.cause().getMessage(), validated.cause()));
          } else {
            ctx.fail(validated.cause());
          }
        });
  }

  /** The HTTP methods the contract allows on a concrete request path, empty when no path matches. */
  public Set<String> methodsFor(String requestPath) {
    Set<String> methods = new HashSet<>();
    io.vertx.openapi.contract.Path path = contract.findPath(requestPath);
    if (path == null) {
      return methods;
    }
    for (Operation operation : contract.operations()) {
      if (path.getName().equals(operation.getOpenAPIPath())) {
        methods.add(operation.getHttpMethod().name());
      }
    }
    return methods;
  }
}
