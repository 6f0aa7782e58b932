package io.walletplatform.wallet.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.walletplatform.common.ops.HttpFront;
import io.walletplatform.wallet.WalletApi;
import io.walletplatform.wallet.WalletApiSettings;

import java.util.List;

/** The wallet API on its own port (standalone deployment). */
public final class WalletHttpVerticle extends VerticleBase {

  private final WalletApiSettings settings;
  private final PrometheusMeterRegistry registry;
  private WalletApi api;
  private HttpServer server;

  public WalletHttpVerticle(WalletApiSettings settings, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return WalletApi.create(vertx, settings, registry).compose(created -> {
      api = created;
      server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.http().host()).setPort(settings.http().port()));
      return server
          .requestHandler(HttpFront.router(vertx, List.of(api.contract()), api.healthChecks(), registry))
          .listen();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(ignored -> api == null ? Future.succeededFuture() : api.close());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
