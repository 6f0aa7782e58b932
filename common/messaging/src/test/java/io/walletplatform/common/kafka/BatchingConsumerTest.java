package io.walletplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import io.walletplatform.common.kafka.BatchingConsumer.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core's states one step at a time, with every asynchronous call completed by hand. */
class BatchingConsumerTest {

  record Rec(int partition, long offset, long timestampMs) {
  }

  private long nowMs = 1_000;
  private final List<Promise<Void>> applies = new ArrayList<>();
  private final List<Map<Integer, Long>> commits = new ArrayList<>();
  private final List<Promise<Void>> commitPromises = new ArrayList<>();

  private BatchingConsumer<Rec> consumer(boolean eager) {
    BatchingConsumer.Handler<Rec> handler = records -> {
      Promise<Void> promise = Promise.promise();
      applies.add(promise);
      return promise.future();
    };
    BatchingConsumer.Parking<Rec> parking = new BatchingConsumer.Parking<>() {
      @Override
      public Future<Void> deadLetter(Rec record, Throwable error) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> quarantine(Rec record, Throwable error) {
        return Future.succeededFuture();
      }
    };
    BatchingConsumer.Port port = new BatchingConsumer.Port() {
      @Override
      public void pauseFetching() {
      }

      @Override
      public void resumeFetching() {
      }

      @Override
      public Future<Void> commit(Map<Integer, Long> nextOffsets) {
        commits.add(nextOffsets);
        Promise<Void> promise = Promise.promise();
        commitPromises.add(promise);
        return promise.future();
      }
    };
    BatchingConsumer<Rec> consumer = new BatchingConsumer<>("test",
        new BatchingConsumer.Settings(100, 1_000, eager, 3, 2, 100, 1_600),
        new BatchingConsumer.Layout<>(Rec::partition, Rec::offset, Rec::partition, Rec::timestampMs), handler, parking,
        port, () -> nowMs, new Random(7), new BatchingConsumer.Listener() {
        });
    consumer.assigned(List.of(0));
    return consumer;
  }

  @Test
  void aFailureThatMayPassBacksOffOnTheClockThenTheRetryCommits() {
    BatchingConsumer<Rec> consumer = consumer(false);
    consumer.received(new Rec(0, 0, 500));
    assertEquals(State.IDLE, consumer.state(), "a non-eager consumer waits for its window");
    assertEquals(500, consumer.oldestPendingTimestampMs());
    consumer.tick();
    assertEquals(State.APPLYING, consumer.state());
    consumer.tick();
    assertEquals(1, applies.size(), "one pass at a time");

    applies.get(0).fail(new PgException("read-only", "ERROR", "25006", null));
    assertEquals(State.BACKING_OFF, consumer.state());
    assertTrue(commits.isEmpty(), "nothing was applied, nothing is committed");
    consumer.tick();
    assertEquals(1, applies.size(), "no retry before the backoff is over");
    nowMs += 100;
    consumer.tick();
    assertEquals(State.APPLYING, consumer.state());
    assertEquals(2, applies.size());

    applies.get(1).complete();
    assertEquals(List.of(Map.of(0, 1L)), commits);
    assertEquals(State.APPLYING, consumer.state(), "the pass ends once its commit answered");
    commitPromises.get(0).complete();
    assertEquals(State.IDLE, consumer.state());
    assertEquals(0, consumer.oldestPendingTimestampMs(), "nothing unapplied is held");
  }

  @Test
  void stopFinishesThePassInFlightAndStartsNoOther() {
    BatchingConsumer<Rec> consumer = consumer(true);
    consumer.received(new Rec(0, 0, 1));
    assertEquals(State.APPLYING, consumer.state(), "an eager consumer starts at once");
    consumer.received(new Rec(0, 1, 2));
    Future<Void> stopped = consumer.stop();
    assertEquals(State.STOPPING, consumer.state());
    assertFalse(stopped.isComplete());
    applies.get(0).complete();
    commitPromises.get(0).complete();
    assertEquals(State.STOPPED, consumer.state());
    assertTrue(stopped.succeeded());
    assertEquals(1, applies.size(), "the record that arrived meanwhile is left to the next owner");
    consumer.tick();
    assertEquals(State.STOPPED, consumer.state());
  }

  @Test
  void backoffDoublesWithEveryFailedPassUpToItsBoundAndIsJittered() {
    BatchingConsumer<Rec> consumer = consumer(false);
    long[] ceilings = {100, 200, 400, 800, 1_600, 1_600, 1_600};
    for (int failures = 1; failures <= ceilings.length; failures++) {
      long ceiling = ceilings[failures - 1];
      long lowest = Long.MAX_VALUE;
      long highest = 0;
      for (int i = 0; i < 200; i++) {
        long backoff = consumer.backoffMs(failures);
        lowest = Math.min(lowest, backoff);
        highest = Math.max(highest, backoff);
      }
      assertTrue(lowest >= ceiling / 2 && highest <= ceiling, failures + ": " + lowest + ".." + highest);
      assertTrue(highest > lowest, "jittered, so consumers that failed together do not retry together");
    }
  }
}
