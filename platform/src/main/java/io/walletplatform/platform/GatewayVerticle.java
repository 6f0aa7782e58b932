package io.walletplatform.platform;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.walletplatform.common.http.RequestTargets;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.ProblemHandler;
import io.walletplatform.common.ops.Health;
import io.walletplatform.common.ops.HttpFront;
import io.walletplatform.common.ops.Readiness;
import io.vertx.ext.healthchecks.Status;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The single entry point of a deployment of separate services: forwards the API paths to the
 * services with vertx-http-proxy, publishes their contracts with Swagger UI, serves the web UI,
 * and reports the services' health as its own.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final long HEALTH_TIMEOUT_MS = 2_000;
  private static final List<String> CONTRACTS = List.of("wallet-api", "payments-api", "orders-api", "webhooks-api");

  private static final String API_PREFIX = "/api/v1/";

  private final GatewaySettings settings;
  private final PrometheusMeterRegistry registry;
  /** Each path root of the contracts, with the service whose contract declares it. */
  private final Map<String, URI> routes = new java.util.TreeMap<>();
  private final Authentication authentication;
  private HttpClient proxyClient;
  private WebClient healthClient;
  private HttpServer server;

  public GatewayVerticle(GatewaySettings settings, PrometheusMeterRegistry registry, Authentication authentication) {
    this.settings = settings;
    this.registry = registry;
    this.authentication = authentication;
  }

  @Override
  public Future<?> start() {
    // Bounded everywhere: a connection that sends nothing for the idle timeout is closed (a hung
    // service frees its slot), and requests beyond the pool and its wait queue get 503 at once.
    proxyClient = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setKeepAlive(true)
            .setIdleTimeout((int) settings.http().requestTimeout().toSeconds() + 1),
        new PoolOptions().setHttp1MaxSize(settings.proxyPoolSize()).setMaxWaitQueueSize(settings.proxyWaitQueue()));
    healthClient = WebClient.create(vertx);
    HttpFront front = HttpFront.builder(vertx, registry, authentication, settings.http().requestTimeout())
        .health(health())
        .before(this::forward);
    WebUi.addTo().accept(front);
    List<Future<Buffer>> documents = new ArrayList<>();
    for (String name : CONTRACTS) {
      documents.add(vertx.fileSystem().readFile("openapi/" + name + ".yaml"));
    }
    return Future.all(documents).compose(read -> {
      // The routes from the results here, not from each read's own callback: a read that completed on
      // its worker thread before Future.all was attached has its callback queued on this event loop,
      // while Future.all's runs at once, and the router was then built without that contract's routes
      // (GatewayVerticleTest's hung service answered 404 "no resource" at once, twice in ten clean runs).
      for (int i = 0; i < CONTRACTS.size(); i++) {
        Buffer yaml = documents.get(i).result();
        front.document(CONTRACTS.get(i), yaml);
        routesOf(CONTRACTS.get(i), yaml.toString());
      }
      server = vertx.createHttpServer(settings.http().serverOptions());
      return server.invalidRequestHandler(RequestTargets::rejectInvalid).requestHandler(front.build()).listen();
    });
  }

  /**
   * Every path root a service's contract declares goes to that service: the routes come from the
   * documents, so an endpoint added to a contract is reachable through the gateway without a second edit.
   */
  private void routesOf(String contract, String yaml) {
    URI service = switch (contract) {
      case "wallet-api" -> settings.walletApi();
      case "payments-api" -> settings.paymentsApi();
      case "orders-api" -> settings.ordersApi();
      case "webhooks-api" -> settings.webhooksApi();
      default -> throw new IllegalArgumentException("no service for the contract " + contract);
    };
    if (service == null) {
      return;
    }
    for (String path : io.walletplatform.common.ops.ApiContract.paths(yaml)) {
      if (!path.startsWith(API_PREFIX)) {
        continue;
      }
      // The root: the path up to its first segment after /api/v1/.
      int end = path.indexOf('/', API_PREFIX.length());
      String root = end < 0 ? path : path.substring(0, end);
      URI earlier = routes.putIfAbsent(root, service);
      if (earlier != null && !earlier.equals(service)) {
        throw new IllegalStateException(root + " is declared by two services' contracts");
      }
    }
  }

  private void forward(Router router) {
    routes.forEach((root, service) -> {
      ProxyHandler proxy = ProxyHandler.create(proxyTo(service));
      router.route(root).handler(proxy);
      router.route(root + "/*").handler(proxy);
    });
  }

  private HttpProxy proxyTo(URI service) {
    return HttpProxy.reverseProxy(proxyClient).origin(service.getPort(), service.getHost())
        .addInterceptor(UNREACHABLE_AS_PROBLEM);
  }

  /**
   * A service that cannot be reached (down, restarting) is a 503 problem with Retry-After, as
   * every other error of the contract, instead of the proxy's empty 502: the client retries.
   */
  private static final MediaType PROBLEM_MEDIA_TYPE = MediaType.parse(ProblemHandler.CONTENT_TYPE);
  private static final ProxyInterceptor UNREACHABLE_AS_PROBLEM = new ProxyInterceptor() {
    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
      return context.sendRequest().recover(error -> {
        String path = context.request().getURI();
        ProblemException problem = ProblemException.unavailable("the service behind " + path + " is unavailable; retry later", 2);
        Buffer body = Buffer.buffer(ProblemHandler.body(problem, path.contains("?") ? path.substring(0, path.indexOf('?')) : path)
            .encode());
        ProxyResponse response = context.request().release().response()
            .setStatusCode(503)
            .putHeader(HttpHeaders.CONTENT_TYPE, ProblemHandler.CONTENT_TYPE)
            .putHeader("Retry-After", "2")
            .setBody(Body.body(body, PROBLEM_MEDIA_TYPE));
        return Future.succeededFuture(response);
      });
    }
  };

  /** Each service's {@code /health/ready} is one check of the gateway's, its own checks nested. */
  private Health health() {
    Health health = new Health(vertx, authentication).add(List.of(Readiness.of(vertx).check()));
    for (Map.Entry<String, URI> target : settings.healthTargets().entrySet()) {
      URI uri = target.getValue();
      health.register(target.getKey(), promise -> healthClient.get(uri.getPort(), uri.getHost(), "/health/ready")
          .timeout(HEALTH_TIMEOUT_MS - 200).send()
          .onSuccess(response -> {
            JsonObject data = new JsonObject();
            try {
              data.put("checks", response.bodyAsJsonObject().getJsonArray("checks"));
            } catch (RuntimeException notJson) {
              data.put("error", "health answered " + response.statusCode());
            }
            promise.tryComplete(response.statusCode() == 200 ? Status.OK(data) : Status.KO(data));
          })
          .onFailure(promise::tryFail));
    }
    return health;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture()
        : server.shutdown(settings.http().requestTimeout().toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    return closed.compose(ignored -> {
      healthClient.close();
      return proxyClient.close();
    });
  }

  public int actualPort() {
    return server.actualPort();
  }
}
