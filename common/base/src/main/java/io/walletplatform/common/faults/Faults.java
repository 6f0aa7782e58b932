package io.walletplatform.common.faults;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;

import java.util.List;
import java.util.Map;

/**
 * The places where a test breaks a process on purpose, as a crash would: every hook completes at
 * once in {@link #NONE}, which is what every production main passes. Nothing in configuration
 * selects another implementation; the fault-injection tests build theirs in their own code (and the
 * holding one, {@code HoldingFaults}, lives in the test-support module, outside every production jar).
 */
public interface Faults {

  /** Production: no hook does anything. */
  Faults NONE = new Faults() {
  };

  /** A named point (say {@code worker.after-commit}); a test may hold the process there until it is killed. */
  default Future<Void> reach(String point) {
    return Future.succeededFuture();
  }

  /**
   * After a batch is committed to PostgreSQL and its cache refreshed, right before its Kafka offsets
   * are committed: failing here leaves the batch applied and its offsets uncommitted.
   */
  default Future<Void> beforeOffsetCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    return Future.succeededFuture();
  }

  /**
   * After the broker acknowledged a batch of outbox rows and before they are marked published:
   * failing here leaves acknowledged rows unmarked (they are published again, and inboxes absorb them).
   */
  default Future<Void> beforeMarkingPublished(List<Long> outboxIds) {
    return Future.succeededFuture();
  }
}
