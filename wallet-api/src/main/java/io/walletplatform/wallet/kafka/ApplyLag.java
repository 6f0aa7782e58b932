package io.walletplatform.wallet.kafka;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far operation-worker is behind: how many accepted operations it has not applied yet (the
 * operations topic's end offsets minus the worker group's committed ones: the worker commits only
 * after applying), and whether the oldest of them was accepted longer ago than {@code boundMs} (the
 * committed offset lies before the first offset Kafka lists at or after now − bound). Read every
 * {@code interval}; past either bound the accept path sheds load (503 with Retry-After) instead of
 * accepting work that would be applied minutes later. An unreadable lag sheds nothing: Kafka being
 * down already fails the accept path on its own.
 */
public final class ApplyLag {

  private static final Logger log = LoggerFactory.getLogger(ApplyLag.class);

  private static final long CATCH_UP_POLL_MS = 100;

  private final KafkaAdminClient admin;
  private final String topic;
  private final String workerGroup;
  private final long boundRecords;
  private final long boundMs;
  private volatile long records;
  /** Told what every read saw; null when nobody listens. */
  private final PaceListener pace;
  private volatile boolean tooOld;
  private Vertx vertx;
  private long timer = -1;
  private boolean reading;
  private Future<Boolean> checking;
  private long checkStartedNanos;
  private Future<Boolean> followUp;
  private Counter checks;

  /**
   * @param boundRecords 0: no bound on the count
   * @param boundMs      0: no bound on the age of the oldest unapplied operation
   */
  /**
   * Told, after every read, the worker group's committed offsets summed over the partitions (their
   * growth is the worker's pace: it commits only after applying) and how many operations it has not
   * applied yet.
   */
  @FunctionalInterface
  public interface PaceListener {
    void paced(long committedTotal, long lagRecords);
  }

  public ApplyLag(KafkaAdminClient admin, String topic, String workerGroup, long boundRecords, long boundMs) {
    this(admin, topic, workerGroup, boundRecords, boundMs, null);
  }

  /** @param pace told what every read saw (null: nobody) */
  public ApplyLag(KafkaAdminClient admin, String topic, String workerGroup, long boundRecords, long boundMs,
                  PaceListener pace) {
    this.pace = pace;
    this.admin = admin;
    this.topic = topic;
    this.workerGroup = workerGroup;
    this.boundRecords = boundRecords;
    this.boundMs = boundMs;
  }

  public ApplyLag start(Vertx vertx, long intervalMs) {
    this.vertx = vertx;
    if (boundRecords > 0 || boundMs > 0 || pace != null) {
      timer = vertx.setPeriodic(1, intervalMs, ignored -> refresh());
    }
    return this;
  }

  /** True while the worker is further behind than a bound. */
  public boolean overloaded() {
    return boundRecords > 0 && records > boundRecords || tooOld;
  }

  /** Why the accept path sheds: "12,000 operations behind (bound 10,000)" or "… the oldest accepted over 5,000 ms ago". */
  public String reason() {
    String count = String.format(java.util.Locale.ROOT, "%,d operations behind", records);
    if (tooOld) {
      return count + ", the oldest accepted over " + String.format(java.util.Locale.ROOT, "%,d", boundMs) + " ms ago (bound)";
    }
    return count + " (bound " + String.format(java.util.Locale.ROOT, "%,d", boundRecords) + ")";
  }

  private void refresh() {
    if (reading) {
      return;
    }
    reading = true;
    admin.describeTopics(List.of(topic))
        .compose(topics -> {
          long since = System.currentTimeMillis() - boundMs;
          Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
          Map<TopicPartition, OffsetSpec> recent = new HashMap<>();
          topics.get(topic).getPartitions().forEach(info -> {
            TopicPartition partition = new TopicPartition(topic, info.getPartition());
            ends.put(partition, OffsetSpec.LATEST);
            recent.put(partition, OffsetSpec.TIMESTAMP(since));
          });
          Future<Map<TopicPartition, ListOffsetsResultInfo>> end = admin.listOffsets(ends);
          Future<Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(workerGroup);
          // The first recent offset only after the end offsets: read at once, a record appended between the two
          // reads was counted by the end but not yet found as recent ("no offset at or after now - bound": every
          // record older), so a record accepted a moment ago looked older than the bound and the accept path shed.
          Future<Map<TopicPartition, ListOffsetsResultInfo>> firstRecent = boundMs > 0
              ? end.compose(ignored -> admin.listOffsets(recent)) : Future.succeededFuture(Map.of());
          return Future.all(end, committed, firstRecent)
              .onSuccess(read -> update(end.result(), committed.result(), firstRecent.result()));
        })
        .onFailure(error -> log.debug("apply lag of {} unreadable: {}", topic, error.getMessage()))
        .onComplete(ignored -> reading = false);
  }

  /**
   * One pass over the partitions: how many records are unapplied, and whether some partition's
   * first unapplied record is older than the bound (it lies before the first offset stamped at or
   * after now − bound, or every record is older: no such offset).
   */
  private void update(Map<TopicPartition, ListOffsetsResultInfo> end, Map<TopicPartition, OffsetAndMetadata> committed,
                      Map<TopicPartition, ListOffsetsResultInfo> recent) {
    long total = 0;
    boolean old = false;
    for (var partition : end.entrySet()) {
      OffsetAndMetadata done = committed.get(partition.getKey());
      long next = done == null ? 0 : done.getOffset();
      long endOffset = partition.getValue().getOffset();
      if (next >= endOffset) {
        continue;
      }
      total += endOffset - next;
      var firstRecent = recent.get(partition.getKey());
      long firstRecentOffset = firstRecent == null || firstRecent.getOffset() < 0 ? endOffset : firstRecent.getOffset();
      old |= next < firstRecentOffset;
    }
    records = total;
    tooOld = boundMs > 0 && old;
    if (pace != null) {
      pace(committed, total);
    }
  }

  private void pace(Map<TopicPartition, OffsetAndMetadata> committed, long lagRecords) {
    long committedTotal = 0;
    for (OffsetAndMetadata offset : committed.values()) {
      committedTotal += offset == null ? 0 : offset.getOffset();
    }
    pace.paced(committedTotal, lagRecords);
  }

  /**
   * Whether operation-worker has applied every operation accepted before this call: the topic's end
   * offsets are read now, then the worker group's committed offsets until they reach them (the worker
   * commits only after applying), for at most {@code waitMs}. False when they did not, or could not
   * be read: then nobody can say that an operationId unknown to PostgreSQL was never accepted.
   */
  public synchronized Future<Boolean> appliedEverythingAcceptedBefore(long waitMs) {
    // Single flight (issue #30: every GET of an unknown operation id made its own admin calls, so a
    // flood of made-up ids was a flood on the broker): a check that started after this request
    // answers it too; otherwise the request waits for one follow-up check shared by all who came
    // while the current one ran. At most two checks exist at once, whatever the request rate.
    long now = System.nanoTime();
    if (checking != null && checkStartedNanos >= now) {
      return checking;
    }
    if (checking == null) {
      return startCheck(waitMs);
    }
    if (followUp == null) {
      followUp = checking.transform(ignored -> {
        synchronized (this) {
          followUp = null;
          return startCheck(waitMs);
        }
      });
    }
    return followUp;
  }

  /** Counts each catch-up check that reaches the admin client in {@code counter} (shown by /metrics). */
  public ApplyLag countingChecksIn(Counter counter) {
    this.checks = counter;
    return this;
  }

  private Future<Boolean> startCheck(long waitMs) {
    if (checks != null) {
      checks.increment();
    }
    checkStartedNanos = System.nanoTime();
    Future<Boolean> check = check(waitMs);
    checking = check;
    check.onComplete(done -> {
      synchronized (this) {
        if (checking == check) {
          checking = null;
        }
      }
    });
    return check;
  }

  private Future<Boolean> check(long waitMs) {
    long deadline = System.currentTimeMillis() + waitMs;
    return admin.describeTopics(List.of(topic))
        .compose(topics -> {
          Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
          topics.get(topic).getPartitions().forEach(info ->
              ends.put(new TopicPartition(topic, info.getPartition()), OffsetSpec.LATEST));
          return admin.listOffsets(ends);
        })
        .compose(end -> committedReach(end, deadline))
        .otherwise(error -> {
          log.debug("could not tell whether {} is applied up to now: {}", topic, error.getMessage());
          return false;
        });
  }

  private Future<Boolean> committedReach(Map<TopicPartition, ListOffsetsResultInfo> end, long deadline) {
    return admin.listConsumerGroupOffsets(workerGroup).compose(committed -> {
      boolean reached = end.entrySet().stream().allMatch(partition -> {
        OffsetAndMetadata done = committed.get(partition.getKey());
        return partition.getValue().getOffset() <= (done == null ? 0 : done.getOffset());
      });
      if (reached || System.currentTimeMillis() + CATCH_UP_POLL_MS > deadline) {
        return Future.succeededFuture(reached);
      }
      return vertx.timer(CATCH_UP_POLL_MS).compose(ignored -> committedReach(end, deadline));
    });
  }

  /** Stops reading the lag (before the admin client it reads with is closed). */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
