package io.walletplatform.common.ops;

import io.walletplatform.common.health.HealthCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.health.ConsumerReadiness;
import io.walletplatform.common.ops.ApiContract;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.ProblemHandler;
import io.walletplatform.common.http.RequestDeadlines;
import io.walletplatform.common.http.RequestTargets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Assembles the router a process serves: its API contracts, {@code /health} (the same as
 * {@code /health/ready}, answered by {@link Health}), {@code /health/live}, {@code /metrics},
 * {@code /openapi/<name>.yaml}, {@link SwaggerUi} at {@code /swagger/}, and problem+json for
 * unknown routes and wrong methods. Standalone services, the single entry point and the gateway all
 * build theirs here, so they answer the operational endpoints the same way.
 */
public final class HttpFront {

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Authentication authentication;
  private final Duration requestTimeout;
  private final List<ApiContract> apis = new ArrayList<>();
  /** The AsyncAPI document of platform.events, served beside the OpenAPI documents. */
  private static final Buffer ASYNCAPI = ClasspathAssets.read("asyncapi/platform-events.yaml");
  private final Map<String, Buffer> documents = new LinkedHashMap<>();
  private final List<Consumer<Router>> beforeApis = new ArrayList<>();
  private final List<Consumer<Router>> afterApis = new ArrayList<>();
  private final List<HealthCheck> checks = new ArrayList<>();
  private Handler<RoutingContext> health;

  private HttpFront(Vertx vertx, PrometheusMeterRegistry registry, Authentication authentication,
                    Duration requestTimeout) {
    this.vertx = vertx;
    this.registry = registry;
    this.authentication = authentication;
    this.requestTimeout = requestTimeout;
  }

  /**
   * @param authentication verifies the admin token {@code /metrics} and detailed health need, and
   *                       serves the development issuer's endpoints when this process runs it
   * @param requestTimeout a request not answered by then gets 503
   */
  public static HttpFront builder(Vertx vertx, PrometheusMeterRegistry registry, Authentication authentication,
                                  Duration requestTimeout) {
    return new HttpFront(vertx, registry, authentication, requestTimeout);
  }

  /** Serves an API: its routes and its document. */
  public HttpFront serve(ApiContract api) {
    apis.add(api);
    documents.put(api.name(), api.document());
    return this;
  }

  /** Publishes a contract without serving its routes (the gateway forwards them). */
  public HttpFront document(String name, Buffer yaml) {
    documents.put(name, yaml);
    return this;
  }

  /**
   * The dependency checks of {@code /health/ready}, beside the two every process has: its
   * {@link Readiness} (warming up, draining) and its consumers ({@link ConsumerReadiness}).
   */
  public HttpFront healthChecks(List<HealthCheck> checks) {
    this.checks.addAll(checks);
    return this;
  }

  /** Answers {@code /health/ready} with this handler instead (the gateway asks the services). */
  public HttpFront health(Handler<RoutingContext> handler) {
    this.health = handler;
    return this;
  }

  /** Routes tried before the API routes (a proxy, say). */
  public HttpFront before(Consumer<Router> routes) {
    beforeApis.add(routes);
    return this;
  }

  /** Routes tried after the API routes and before the problem fallback (static pages, say). */
  public HttpFront after(Consumer<Router> routes) {
    afterApis.add(routes);
    return this;
  }

  public Router build() {
    Handler<RoutingContext> ready = health != null ? health : new Health(vertx, authentication)
        .add(checks)
        .add(List.of(Readiness.of(vertx).check(), ConsumerReadiness.of(vertx).check()));
    Router router = Router.router(vertx);
    router.route().handler(RequestTargets::requireWellFormed);
    // A request whose answer has not begun by the request timeout gets 503 (vertx-web's TimeoutHandler
    // fails it even mid-answer).
    router.route().handler(new RequestDeadlines(vertx, requestTimeout)::handle);
    // The APIs first: an API request is the common one, and every route before its own is matched against it
    // (the static routes below cost an API request ~20 route matches, a tenth of its routing; #33). The APIs'
    // root handlers act on their own paths only (ApiContract.API_ROOT), so a request for a route below
    // passes through them untouched.
    beforeApis.forEach(routes -> routes.accept(router));
    for (ApiContract api : apis) {
      router.route("/*").subRouter(api.router());
    }
    // Liveness never looks at a dependency: a database or broker outage must not restart a
    // process that serves whatever it can. Readiness (and /health, its alias) does.
    router.get("/health/live").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(ready);
    router.get("/health").handler(ready);
    router.get("/metrics").handler(Authentication.WELL_FORMED).handler(authentication.bearer())
        .handler(Authentication::requireScraper)
        .handler(PrometheusScrapingHandler.create(registry));
    authentication.mountIssuer(router);
    documents.forEach((name, yaml) -> router.get("/openapi/" + name + ".yaml").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
        .end(yaml)));
    if (!documents.isEmpty()) {
      SwaggerUi.mount(router, documents.keySet(), authentication.issuer() != null);
      router.get("/asyncapi/platform-events.yaml").handler(ctx -> ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
          .end(ASYNCAPI));
    }
    afterApis.forEach(routes -> routes.accept(router));
    router.route().last().handler(this::unmatched);
    ProblemHandler problems = new ProblemHandler();
    router.route().failureHandler(problems);
    // What the router itself fails before any route runs (a path it cannot decode) is a problem too.
    router.errorHandler(400, RequestTargets::rejectUndecodable);
    router.errorHandler(500, problems);
    return router;
  }

  private void unmatched(RoutingContext ctx) {
    Set<String> allowed = new TreeSet<>();
    for (ApiContract api : apis) {
      allowed.addAll(api.methodsFor(ctx.request().path()));
    }
    if (allowed.isEmpty()) {
      ctx.fail(404);
      return;
    }
    ctx.fail(new ProblemException(405, "METHOD_NOT_ALLOWED", "Method not allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path() + "; allowed: " + allowed,
        List.of(), Map.of("Allow", String.join(", ", allowed))));
  }

}
