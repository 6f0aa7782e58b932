package io.walletplatform.wallet.domain;

import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many accepted operations operation-worker has not applied yet: the operations topic's end
 * offsets minus the worker group's committed ones (the worker commits only after applying). Read
 * every {@code interval}; past {@code boundRecords} the accept path sheds load (503 with
 * Retry-After) instead of accepting work that would be applied minutes later. An unreadable lag
 * sheds nothing: Kafka being down already fails the accept path on its own.
 */
public final class ApplyLag {

  private static final Logger log = LoggerFactory.getLogger(ApplyLag.class);

  private final KafkaAdminClient admin;
  private final String topic;
  private final String workerGroup;
  private final long boundRecords;
  private volatile long records;
  private Vertx vertx;
  private long timer = -1;
  private boolean reading;

  /** @param boundRecords 0: never shed */
  public ApplyLag(KafkaAdminClient admin, String topic, String workerGroup, long boundRecords) {
    this.admin = admin;
    this.topic = topic;
    this.workerGroup = workerGroup;
    this.boundRecords = boundRecords;
  }

  public ApplyLag start(Vertx vertx, long intervalMs) {
    this.vertx = vertx;
    if (boundRecords > 0) {
      timer = vertx.setPeriodic(1, intervalMs, ignored -> refresh());
    }
    return this;
  }

  /** True while the worker is further behind than the bound. */
  public boolean overloaded() {
    return boundRecords > 0 && records > boundRecords;
  }

  public long records() {
    return records;
  }

  public long boundRecords() {
    return boundRecords;
  }

  private void refresh() {
    if (reading) {
      return;
    }
    reading = true;
    admin.describeTopics(List.of(topic))
        .compose(topics -> {
          Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
          topics.get(topic).getPartitions().forEach(partition ->
              ends.put(new TopicPartition(topic, partition.getPartition()), OffsetSpec.LATEST));
          return admin.listOffsets(ends).compose(end -> admin.listConsumerGroupOffsets(workerGroup)
              .map(committed -> behind(end, committed)));
        })
        .onSuccess(behind -> records = behind)
        .onFailure(error -> log.debug("apply lag of {} unreadable: {}", topic, error.getMessage()))
        .onComplete(ignored -> reading = false);
  }

  private static long behind(Map<TopicPartition, io.vertx.kafka.admin.ListOffsetsResultInfo> end,
                             Map<TopicPartition, OffsetAndMetadata> committed) {
    long total = 0;
    for (var partition : end.entrySet()) {
      OffsetAndMetadata done = committed.get(partition.getKey());
      total += Math.max(0, partition.getValue().getOffset() - (done == null ? 0 : done.getOffset()));
    }
    return total;
  }

  /** Stops reading the lag (before the admin client it reads with is closed). */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
