package io.walletplatform.webhooks;

import io.vertx.core.DeploymentOptions;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.ops.Launcher;
import io.walletplatform.migrations.AuthDatabase;

import java.util.List;

/**
 * Runs the webhooks service alone: migrate, consume platform.events into deliveries, dispatch them,
 * serve the subscriptions API on {@code WEBHOOKS_API_PORT}.
 */
public final class WebhooksMain {

  private WebhooksMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    WebhooksSettings settings = WebhooksSettings.from(config);
    Launcher.run("webhooks", config, runtime -> AuthDatabase.start(runtime.vertx(), config)
        .compose(authentication -> WebhooksProcessing.deploy(runtime.vertx(), settings, runtime.registry(),
            authentication.verifier().revocations()).map(authentication))
        .compose(authentication -> runtime.vertx().deployVerticle(
            () -> new HttpFrontVerticle(settings.http(), runtime.registry(), authentication,
                List.of(WebhooksApi.factory(settings))),
            new DeploymentOptions().setInstances(settings.httpInstances())))
        .map(id -> "port " + settings.http().port()));
  }
}
