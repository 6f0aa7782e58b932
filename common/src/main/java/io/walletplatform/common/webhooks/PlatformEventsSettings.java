package io.walletplatform.common.webhooks;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.PgSettings;

/**
 * Where a process that records platform events finds who listens ({@code WEBHOOKS_DB_NAME}, on the
 * server of {@code PG_URL}) and the topic the events are published to ({@code PLATFORM_EVENTS_TOPIC}).
 */
public record PlatformEventsSettings(PgSettings webhooksPg, String topic) {

  public static PlatformEventsSettings from(Config config) {
    return new PlatformEventsSettings(PgSettings.from(config, "WEBHOOKS_DB_NAME", "webhooks"),
        config.get("PLATFORM_EVENTS_TOPIC", "platform.events"));
  }
}
