package io.walletplatform.webhooks.domain;

import java.util.UUID;

/** A platform event as read from platform.events, to be made into a delivery per matching subscription. */
public record PlatformEventRecord(UUID eventId, String type, String body, String principal) {
}
