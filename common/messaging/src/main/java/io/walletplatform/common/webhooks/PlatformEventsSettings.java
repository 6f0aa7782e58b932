package io.walletplatform.common.webhooks;

import io.walletplatform.common.config.Config;

/**
 * Where a process that records platform events learns who listens (the compacted topic the webhooks
 * service publishes each principal's event types to, {@code WEBHOOK_INTEREST_TOPIC}) and the topic the
 * events are published to ({@code PLATFORM_EVENTS_TOPIC}).
 */
public record PlatformEventsSettings(String interestTopic, String topic) {

  public static PlatformEventsSettings from(Config config) {
    return new PlatformEventsSettings(config.get("WEBHOOK_INTEREST_TOPIC", "webhook.interest"),
        config.get("PLATFORM_EVENTS_TOPIC", "platform.events"));
  }
}
