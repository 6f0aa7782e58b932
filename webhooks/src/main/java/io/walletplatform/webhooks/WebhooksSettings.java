package io.walletplatform.webhooks;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.inbox.InboxConsumerSettings;
import io.walletplatform.common.webhooks.PlatformEventsSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the webhooks module reads from its configuration.
 *
 * @param allowPrivateNetworks  {@code WEBHOOKS_ALLOW_PRIVATE_NETWORKS}: also {@code http} URLs and private,
 *                              loopback, link-local addresses (development and tests only)
 * @param maxSubscriptions      subscriptions per principal
 * @param maxInFlight           deliveries being sent at once by this process
 * @param maxInFlightPerWebhook deliveries being sent at once to one subscription (a slow receiver holds
 *                              at most this many of the slots)
 * @param timeout               a receiver must answer 2xx within it
 * @param retrySchedule         the waits after the 1st, 2nd, … failed attempt (jittered ±20 %); after the
 *                              last one's attempt fails, the delivery is FAILED
 * @param lease                 a claimed delivery is not claimed by another dispatcher for this long
 * @param scanInterval          how often due deliveries are looked for without a wake-up
 * @param maxInFlightPerPrincipal deliveries being sent at once for one principal, all its webhooks together
 * @param maxInFlightPerAddress deliveries being sent at once to one resolved address, whoever's they are
 * @param disableAfterTimeouts  a webhook whose receiver timed out this many attempts in a row (nothing
 *                              answered between) is disabled, with a webhook.disabled event; 0: never
 * @param disableMinSpan        ... and the first of those timeouts is at least this old (a burst of
 *                              timeouts in one outage of seconds disables nothing)
 * @param deliveryRetention     finished deliveries older than this are deleted; zero: kept for ever
 * @param pruneInterval         how often the old deliveries are looked for
 * @param interestRecheck       how often the interest topic is compared with the subscriptions (besides
 *                              every change of a subscription)
 */
public record WebhooksSettings(PgSettings pg, KafkaSettings kafka, HttpSettings http, PlatformEventsSettings events,
                               InboxConsumerSettings inbox, boolean allowPrivateNetworks, int maxSubscriptions,
                               int maxInFlight, int maxInFlightPerWebhook, Duration timeout,
                               List<Duration> retrySchedule, Duration lease, Duration scanInterval,
                               int httpInstances, int maxInFlightPerPrincipal, int maxInFlightPerAddress,
                               int disableAfterTimeouts, Duration disableMinSpan, Duration deliveryRetention,
                               Duration pruneInterval, Duration interestRecheck) {

  public static final String ALLOW_PRIVATE_NETWORKS = "WEBHOOKS_ALLOW_PRIVATE_NETWORKS";
  static final String DEFAULT_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h";

  public static WebhooksSettings from(Config config) {
    PlatformEventsSettings events = PlatformEventsSettings.from(config);
    PgSettings pg = PgSettings.from(config, "WEBHOOKS_DB_NAME", "webhooks");
    return new WebhooksSettings(pg, KafkaSettings.from(config), HttpSettings.from(config, "WEBHOOKS_API_PORT", 8084),
        events, InboxConsumerSettings.from(config, pg, events.topic(), config.get("WEBHOOKS_GROUP_ID", "webhooks")),
        config.getBoolean(ALLOW_PRIVATE_NETWORKS, false),
        config.getInt("WEBHOOKS_MAX_PER_PRINCIPAL", 10, 1, 1_000),
        config.getInt("WEBHOOKS_MAX_IN_FLIGHT", 512, 1, 10_000),
        config.getInt("WEBHOOKS_MAX_IN_FLIGHT_PER_WEBHOOK", 64, 1, 10_000),
        config.getMillis("WEBHOOKS_TIMEOUT_MS", 10_000, 100, 60_000),
        schedule(config.get("WEBHOOKS_RETRY_SCHEDULE", DEFAULT_SCHEDULE)),
        config.getMillis("WEBHOOKS_LEASE_MS", 30_000, 1_000, 3_600_000),
        config.getMillis("WEBHOOKS_SCAN_MS", 1_000, 10, 60_000),
        config.getInt("HTTP_INSTANCES", Math.max(1, java.lang.Runtime.getRuntime().availableProcessors()), 1, 64),
        config.getInt("WEBHOOKS_MAX_IN_FLIGHT_PER_PRINCIPAL", 128, 1, 10_000),
        config.getInt("WEBHOOKS_MAX_IN_FLIGHT_PER_ADDRESS", 64, 1, 10_000),
        config.getInt("WEBHOOKS_DISABLE_AFTER_TIMEOUTS", 20, 0, 1_000_000),
        config.getMillis("WEBHOOKS_DISABLE_MIN_SPAN_MS", 600_000, 0, 86_400_000),
        Duration.ofDays(config.getInt("WEBHOOKS_DELIVERY_RETENTION_DAYS", 30, 0, 36_500)),
        config.getMillis("WEBHOOKS_PRUNE_INTERVAL_MS", 3_600_000, 100, 86_400_000),
        config.getMillis("WEBHOOKS_INTEREST_RECHECK_MS", 5_000, 100, 3_600_000));
  }

  /** {@code 5s,5m,30m,2h} or milliseconds ({@code 100,200}). */
  static List<Duration> schedule(String text) {
    List<Duration> schedule = new ArrayList<>();
    for (String part : text.split(",")) {
      String value = part.trim();
      if (!value.matches("\\d{1,9}(ms|s|m|h)?")) {
        throw new IllegalArgumentException("WEBHOOKS_RETRY_SCHEDULE: " + value + " is not a duration (100, 100ms, 5s, 5m, 2h)");
      }
      long amount = Long.parseLong(value.replaceAll("\\D", ""));
      schedule.add(value.endsWith("ms") ? Duration.ofMillis(amount) : value.endsWith("s") ? Duration.ofSeconds(amount)
          : value.endsWith("m") ? Duration.ofMinutes(amount) : value.endsWith("h") ? Duration.ofHours(amount)
          : Duration.ofMillis(amount));
    }
    return List.copyOf(schedule);
  }

  /** Attempts in all: the first and one after each wait of the schedule. */
  public int maxAttempts() {
    return retrySchedule.size() + 1;
  }
}
