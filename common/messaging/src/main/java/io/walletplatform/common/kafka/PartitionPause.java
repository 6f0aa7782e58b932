package io.walletplatform.common.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Back-pressure for a consumer whose buffer is full: pauses fetching from every assigned partition
 * at the Kafka level. The stream-level {@code KafkaConsumer.pause()} of vertx-kafka-client stops
 * calling {@code poll()} altogether, and a consumer that does not poll for
 * {@code max.poll.interval.ms} is evicted from its group; here the poll loop keeps running (and so
 * keeps its membership) while it returns no records. Partitions assigned while paused are paused
 * too, since Kafka forgets the pause of a partition when it is reassigned.
 *
 * <p>While paused, the poll loop's timeout is short ({@link #PAUSED_POLL}): vertx-kafka-client runs
 * {@code resume} on the thread that polls, after the poll in progress, which with the default
 * timeout (1 s) returns only when that second is over. A consumer paused and resumed a few times a
 * second (a backlog through a buffer of a few passes) was held to one buffer per second by it: the
 * webhooks' consumer delivered exactly 500 events a second from a backlog.
 *
 * <p>Not thread-safe: use it from the consumer's Vert.x context.
 */
public final class PartitionPause {

  private static final Logger log = LoggerFactory.getLogger(PartitionPause.class);
  static final Duration PAUSED_POLL = Duration.ofMillis(20);
  static final Duration FETCHING_POLL = Duration.ofSeconds(1);

  private enum State { FETCHING, PAUSED }

  private final KafkaConsumer<?, ?> consumer;
  private final String topic;
  private final Set<Integer> assigned = new HashSet<>();
  private State state = State.FETCHING;

  public PartitionPause(KafkaConsumer<?, ?> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  public boolean isPaused() {
    return state == State.PAUSED;
  }

  public void assigned(Set<TopicPartition> partitions) {
    partitions.forEach(partition -> assigned.add(partition.getPartition()));
    if (state == State.PAUSED) {
      apply(partitions, true);
    }
  }

  public void revoked(Set<TopicPartition> partitions) {
    partitions.forEach(partition -> assigned.remove(partition.getPartition()));
  }

  public void pause() {
    if (state == State.FETCHING) {
      state = State.PAUSED;
      consumer.pollTimeout(PAUSED_POLL);
      apply(all(), true);
    }
  }

  public void resume() {
    if (state == State.PAUSED) {
      state = State.FETCHING;
      apply(all(), false);
      consumer.pollTimeout(FETCHING_POLL);
    }
  }

  private Set<TopicPartition> all() {
    Set<TopicPartition> partitions = new HashSet<>();
    assigned.forEach(partition -> partitions.add(new TopicPartition(topic, partition)));
    return partitions;
  }

  private void apply(Set<TopicPartition> partitions, boolean pause) {
    if (partitions.isEmpty()) {
      return;
    }
    (pause ? consumer.pause(partitions) : consumer.resume(partitions))
        .onFailure(error -> log.warn("could not {} {}: {}", pause ? "pause" : "resume", partitions, error.getMessage()));
  }
}
