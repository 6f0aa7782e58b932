package io.walletplatform.platform;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.walletplatform.common.ops.HttpFront;
import io.walletplatform.wallet.WalletApi;

import java.util.List;

/** The single entry point: every API contract, {@code /health} and {@code /metrics} on one port. */
public final class PlatformHttpVerticle extends VerticleBase {

  private final PlatformSettings settings;
  private final PrometheusMeterRegistry registry;
  private WalletApi wallet;
  private HttpServer server;

  public PlatformHttpVerticle(PlatformSettings settings, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return WalletApi.create(vertx, settings.wallet(), registry).compose(created -> {
      wallet = created;
      server = vertx.createHttpServer(new HttpServerOptions()
          .setHost(settings.http().host())
          .setPort(settings.http().port()));
      return server
          .requestHandler(HttpFront.router(vertx, List.of(wallet.contract()), wallet.healthChecks(), registry))
          .listen();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(ignored -> wallet == null ? Future.succeededFuture() : wallet.close());
  }
}
