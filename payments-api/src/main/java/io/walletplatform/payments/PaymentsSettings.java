package io.walletplatform.payments;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.outbox.OutboxRelaySettings;
import io.walletplatform.common.webhooks.PlatformEventsSettings;

/** Everything payments-api reads from its configuration. */
public record PaymentsSettings(PgSettings pg, KafkaSettings kafka, HttpSettings http, String requestsTopic,
                               String resultsTopic, InboxConsumerSettings inbox, OutboxRelaySettings relay,
                               int httpInstances, PlatformEventsSettings events) {

  public static PaymentsSettings from(Config config) {
    PgSettings pg = PgSettings.from(config, "PAYMENTS_DB_NAME", "payments");
    String requests = config.get("PAYMENTS_REQUESTS_TOPIC", "payments.requests");
    return new PaymentsSettings(pg, KafkaSettings.from(config), HttpSettings.from(config, "PAYMENTS_API_PORT", 8082),
        requests, config.get("PAYMENTS_RESULTS_TOPIC", "payments.results"),
        InboxConsumerSettings.from(config, pg, requests, config.get("PAYMENTS_GROUP_ID", "payments-api")),
        OutboxRelaySettings.from(config, pg, "payments"),
        config.getInt("HTTP_INSTANCES", Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()), 1, 64),
        PlatformEventsSettings.from(config));
  }
}
