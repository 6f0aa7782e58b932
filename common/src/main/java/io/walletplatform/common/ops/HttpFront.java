package io.walletplatform.common.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.http.ApiContract;
import io.walletplatform.common.http.ProblemException;
import io.walletplatform.common.http.ProblemHandler;
import io.walletplatform.common.http.RequestTargets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The router a process serves: its API contracts, {@code /health} (the same as
 * {@code /health/ready}), {@code /health/live}, {@code /metrics},
 * {@code /openapi/<name>.yaml}, Swagger UI at {@code /swagger/}, and problem+json for unknown
 * routes and wrong methods. Standalone services, the single entry point and the gateway all
 * build theirs here, so they answer the operational endpoints the same way.
 */
public final class HttpFront {

  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Authentication authentication;
  private final Duration requestTimeout;
  private final List<ApiContract> apis = new ArrayList<>();
  private final Map<String, Buffer> documents = new LinkedHashMap<>();
  private final List<Consumer<Router>> beforeApis = new ArrayList<>();
  private final List<Consumer<Router>> afterApis = new ArrayList<>();
  private Handler<RoutingContext> health = ctx -> ctx.fail(404);
  private final List<HealthCheck> checks = new ArrayList<>();

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

  /** The dependency checks of {@code /health/ready}. */
  public HttpFront healthChecks(List<HealthCheck> checks) {
    this.checks.addAll(checks);
    this.health = ctx -> health(ctx, this.checks);
    return this;
  }

  /** Adds the process's own readiness (warming up, draining) to {@code /health/ready}. */
  public HttpFront readiness(Readiness readiness) {
    return healthChecks(List.of(readiness.check()));
  }

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
    Router router = Router.router(vertx);
    router.route().handler(RequestTargets::requireWellFormed);
    router.route().handler(TimeoutHandler.create(requestTimeout.toMillis(), 503));
    // Liveness never looks at a dependency: a database or broker outage must not restart a
    // process that serves whatever it can. Readiness (and /health, its alias) does.
    router.get("/health/live").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(ctx -> health.handle(ctx));
    router.get("/health").handler(ctx -> health.handle(ctx));
    router.get("/metrics").handler(Authentication.WELL_FORMED).handler(authentication.admin())
        .handler(PrometheusScrapingHandler.create(registry));
    authentication.mountIssuer(router);
    documents.forEach((name, yaml) -> router.get("/openapi/" + name + ".yaml").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
        .end(yaml)));
    if (!documents.isEmpty()) {
      mountSwaggerUi(router);
    }
    beforeApis.forEach(routes -> routes.accept(router));
    for (ApiContract api : apis) {
      router.route("/*").subRouter(api.router());
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

  /**
   * Above Swagger UI when this process is the development issuer: signs in with a client id and its
   * secret, or registers a new client (its secret shown once), and hands the token to Swagger UI's
   * Authorize (bearerAuth), so "Try it out" is authenticated. Nothing is stored by the page.
   */
  private static final String DEV_TOKEN_FORM = """
      <form id="dev-token" style="font-family: sans-serif; padding: 8px 20px; background: #f4f4f4">
        <strong>Token</strong>
        <label>client id <input id="dev-client-id" size="38" autocomplete="username"></label>
        <label>client secret <input id="dev-client-secret" type="password" autocomplete="current-password"></label>
        <button type="submit">Get token and authorize</button>
        <button type="button" id="dev-register">New client</button>
        <output id="dev-token-result"></output>
      </form>
      <script>
        const field = (id) => document.getElementById(id);
        async function authorize() {
          const result = field('dev-token-result');
          const response = await fetch('/oauth/token', { method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'client_credentials', client_id: field('dev-client-id').value,
              client_secret: field('dev-client-secret').value }) });
          const grant = await response.json().catch(() => ({}));
          if (!response.ok) { result.textContent = grant.error_description || grant.error || grant.detail; return; }
          window.ui.preauthorizeApiKey('bearerAuth', grant.access_token);
          result.textContent = 'authorized as ' + field('dev-client-id').value;
        }
        field('dev-token').addEventListener('submit', (event) => { event.preventDefault(); authorize(); });
        field('dev-register').addEventListener('click', async () => {
          const response = await fetch('/oauth/clients', { method: 'POST',
            headers: { 'content-type': 'application/json' }, body: '{"name":"swagger-ui"}' });
          const client = await response.json().catch(() => ({}));
          if (response.status !== 201) { field('dev-token-result').textContent = client.detail || response.status; return; }
          field('dev-client-id').value = client.clientId;
          field('dev-client-secret').value = client.clientSecret;
          field('dev-client-secret').type = 'text';
          await authorize();
          field('dev-token-result').textContent += ' (the secret above is shown once: keep it)';
        });
      </script>
      """;

  /** Swagger UI from its webjar, with a selector over this process's contracts; "Try it out" calls this host. */
  private void mountSwaggerUi(Router router) {
    JsonArray urls = new JsonArray();
    documents.keySet().forEach(name -> urls.add(new JsonObject().put("url", "/openapi/" + name + ".yaml").put("name", name)));
    String page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>API documentation</title>
          <link rel="stylesheet" href="/swagger/swagger-ui.css">
          <link rel="icon" type="image/png" href="/swagger/favicon-32x32.png">
        </head>
        <body>
          %s
          <div id="swagger-ui"></div>
          <script src="/swagger/swagger-ui-bundle.js"></script>
          <script src="/swagger/swagger-ui-standalone-preset.js"></script>
          <script>
            window.ui = SwaggerUIBundle({
              urls: %s,
              dom_id: '#swagger-ui',
              deepLinking: true,
              persistAuthorization: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: 'StandaloneLayout'
            });
          </script>
        </body>
        </html>
        """.formatted(authentication.issuer() == null ? "" : DEV_TOKEN_FORM, urls.encode());
    // Vert.x matches "/swagger" for "/swagger/" too: tell them apart by the path itself.
    router.get("/swagger").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(page);
      } else {
        ctx.redirect("/swagger/");
      }
    });
    router.get("/swagger/index.html").handler(ctx -> ctx.redirect("/swagger/"));
    router.get("/swagger/*").handler(new ClasspathAssets("/swagger/", SWAGGER_UI, List.of("swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png")));
  }

  private static String swaggerUiVersion() {
    try (InputStream in = HttpFront.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** Checks with the same id (one per database, say) are reported as one: UP only if all are. */
  private void health(RoutingContext ctx, List<HealthCheck> checks) {
    List<Future<JsonObject>> results = new ArrayList<>();
    for (HealthCheck check : checks) {
      results.add(probe(check));
    }
    Future.join(results).onComplete(ignored -> {
      Map<String, JsonObject> byId = new LinkedHashMap<>();
      for (Future<JsonObject> result : results) {
        JsonObject entry = result.result();
        byId.merge(entry.getString("id"), entry, (first, second) -> "UP".equals(first.getString("status")) ? second : first);
      }
      respondHealth(ctx, new ArrayList<>(byId.values()), authentication);
    });
  }

  /**
   * Writes {@code {"status", "checks"}}: 200 when every check is UP, 503 naming the failing ones
   * otherwise. Only an admin token sees why a check failed: error text names hosts and ports.
   */
  public static void respondHealth(RoutingContext ctx, List<JsonObject> entries, Authentication authentication) {
    boolean up = entries.stream().allMatch(entry -> "UP".equals(entry.getString("status")));
    authentication.isAdmin(ctx).onComplete(admin -> {
      JsonArray checks = new JsonArray(entries);
      if (!Boolean.TRUE.equals(admin.result())) {
        checks = withoutErrors(checks);
      }
      ctx.response()
          .setStatusCode(up ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks).encode());
    });
  }

  private static JsonArray withoutErrors(JsonArray checks) {
    JsonArray stripped = new JsonArray();
    for (Object item : checks) {
      if (item instanceof JsonObject check) {
        JsonObject copy = new JsonObject().put("id", check.getValue("id")).put("status", check.getValue("status"));
        if (check.getValue("checks") instanceof JsonArray nested) {
          copy.put("checks", withoutErrors(nested));
        }
        stripped.add(copy);
      }
    }
    return stripped;
  }

  private static Future<JsonObject> probe(HealthCheck check) {
    Future<?> probe;
    try {
      probe = check.probe().get();
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    return probe.timeout(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .map(ok -> new JsonObject().put("id", check.id()).put("status", "UP"))
        .otherwise(error -> new JsonObject().put("id", check.id()).put("status", "DOWN")
            .put("error", String.valueOf(error.getMessage())));
  }
}
