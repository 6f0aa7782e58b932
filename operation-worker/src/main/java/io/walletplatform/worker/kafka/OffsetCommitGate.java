package io.walletplatform.worker.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;

import java.util.Map;

/**
 * Runs after a batch is committed to PostgreSQL and its cache refreshed, right before its Kafka
 * offsets are committed. Production passes {@link #OPEN}; the crash-safety test passes one that
 * fails, which leaves the batch applied but its offsets uncommitted, as a crash at that point would.
 */
@FunctionalInterface
public interface OffsetCommitGate {

  OffsetCommitGate OPEN = offsets -> Future.succeededFuture();

  Future<Void> beforeCommit(Map<TopicPartition, OffsetAndMetadata> offsets);
}
