package io.walletplatform.orders;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.outbox.OutboxRelaySettings;
import io.walletplatform.common.webhooks.PlatformEventsSettings;
import io.walletplatform.orders.reconcile.OrderReconcilerSettings;

/** Everything orders-api reads from its configuration. */
public record OrdersSettings(PgSettings pg, KafkaSettings kafka, HttpSettings http, String requestsTopic,
                             String resultsTopic, InboxConsumerSettings inbox, OutboxRelaySettings relay,
                             OrderReconcilerSettings reconciler, int httpInstances, PlatformEventsSettings events) {

  public static OrdersSettings from(Config config) {
    PgSettings pg = PgSettings.from(config, "ORDERS_DB_NAME", "orders");
    String results = config.get("PAYMENTS_RESULTS_TOPIC", "payments.results");
    String requests = config.get("PAYMENTS_REQUESTS_TOPIC", "payments.requests");
    return new OrdersSettings(pg, KafkaSettings.from(config), HttpSettings.from(config, "ORDERS_API_PORT", 8083),
        requests, results,
        InboxConsumerSettings.from(config, pg, results, config.get("ORDERS_GROUP_ID", "orders-api")),
        OutboxRelaySettings.from(config, pg, "orders"),
        OrderReconcilerSettings.from(config, pg, requests),
        config.getInt("HTTP_INSTANCES", Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()), 1, 64),
        PlatformEventsSettings.from(config));
  }
}
