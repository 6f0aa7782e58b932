package io.walletplatform.common.ops;

import io.walletplatform.common.health.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.ops.ApiContract;

import java.util.List;

/** One API's routes, the dependencies its health depends on, and the clients to close with it. */
public interface ApiModule {

  ApiContract contract();

  List<HealthCheck> healthChecks();

  Future<Void> close();

  /** Creates a module on the calling verticle's context. */
  @FunctionalInterface
  interface Factory {
    Future<ApiModule> create(Vertx vertx, Authentication authentication);
  }
}
