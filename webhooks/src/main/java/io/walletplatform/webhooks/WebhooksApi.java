package io.walletplatform.webhooks;

import io.walletplatform.common.ops.ApiModule;
import io.walletplatform.common.ops.PgApiModule;
import io.walletplatform.webhooks.db.WebhookRepository;
import io.walletplatform.webhooks.domain.Resolver;
import io.walletplatform.webhooks.domain.TargetPolicy;
import io.walletplatform.webhooks.domain.WebhookService;
import io.walletplatform.webhooks.http.WebhooksHandlers;

/** The webhooks API's routes, for a standalone server or the single entry point. */
public final class WebhooksApi {

  private WebhooksApi() {
  }

  public static ApiModule.Factory factory(WebhooksSettings settings) {
    TargetPolicy policy = new TargetPolicy(settings.allowPrivateNetworks());
    return (vertx, authentication) -> PgApiModule.factory("webhooks-api", settings.pg(), settings.kafka(), settings.http(),
            pool -> new WebhooksHandlers(new WebhookService(pool, new WebhookRepository(), policy,
                new Resolver(vertx, policy), settings.maxSubscriptions())).byOperationId())
        .create(vertx, authentication);
  }
}
