package io.walletplatform.common.outbox;

import io.vertx.core.Future;

import java.util.List;

/**
 * Runs after the broker acknowledged a batch of outbox rows and before they are marked published.
 * Production passes {@link #OPEN}; a test passes one that fails, to stop the relay exactly where a
 * crash would leave acknowledged rows unmarked (they are published again, and inboxes absorb them).
 */
@FunctionalInterface
public interface PublishGate {

  PublishGate OPEN = ids -> Future.succeededFuture();

  Future<Void> beforeMarkingPublished(List<Long> outboxIds);
}
