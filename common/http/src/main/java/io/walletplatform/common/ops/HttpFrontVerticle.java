package io.walletplatform.common.ops;

import io.walletplatform.common.health.HealthCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.http.RequestTargets;
import io.walletplatform.common.config.HttpSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Serves API modules on one port with {@link HttpFront}: a standalone service serves its own
 * module, the single entry point serves them all.
 */
public final class HttpFrontVerticle extends VerticleBase {

  private final HttpSettings settings;
  private final PrometheusMeterRegistry registry;
  private final Authentication authentication;
  private final List<ApiModule.Factory> factories;
  private final Consumer<HttpFront> customization;
  private final List<ApiModule> modules = new ArrayList<>();
  private HttpServer server;

  public HttpFrontVerticle(HttpSettings settings, PrometheusMeterRegistry registry, Authentication authentication,
                           List<ApiModule.Factory> factories) {
    this(settings, registry, authentication, factories, front -> { });
  }

  /** @param customization adds routes to the front, such as the web UI of the single entry point */
  public HttpFrontVerticle(HttpSettings settings, PrometheusMeterRegistry registry, Authentication authentication,
                           List<ApiModule.Factory> factories, Consumer<HttpFront> customization) {
    this.settings = settings;
    this.registry = registry;
    this.authentication = authentication;
    this.factories = List.copyOf(factories);
    this.customization = customization;
  }

  @Override
  public Future<?> start() {
    Future<Void> created = Future.succeededFuture();
    for (ApiModule.Factory factory : factories) {
      created = created.compose(ignored -> factory.create(vertx, authentication).map(module -> {
        modules.add(module);
        return null;
      }));
    }
    return created.compose(ignored -> {
      List<HealthCheck> checks = new ArrayList<>();
      modules.forEach(module -> checks.addAll(module.healthChecks()));
      HttpFront front = HttpFront.builder(vertx, registry, authentication, settings.requestTimeout()).healthChecks(checks);
      modules.forEach(module -> front.serve(module.contract()));
      customization.accept(front);
      server = vertx.createHttpServer(settings.serverOptions());
      return server.invalidRequestHandler(RequestTargets::rejectInvalid).requestHandler(front.build()).listen();
    });
  }

  @Override
  public Future<?> stop() {
    // Stop accepting, let the requests in flight finish (each is bounded by the request timeout anyway).
    Future<Void> closed = server == null ? Future.succeededFuture()
        : server.shutdown(settings.requestTimeout().toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    return closed.compose(ignored -> Future.join(modules.stream().map(ApiModule::close).toList()));
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
