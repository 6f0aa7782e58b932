package io.walletplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import io.walletplatform.common.errors.InvalidRecordException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded simulation of {@link BatchingConsumer} (the idea of TigerBeetle's VOPR, small): in-memory
 * partitions, a fake clock, and a random schedule of faults. Applies fail for a while (a database
 * down) or for ever (a poison record: a data error), records do not decode, dead-letter sends and
 * quarantine writes fail, commits fail, partitions are revoked and reassigned mid-pass, and the
 * consumer is stopped during a pass and started again. Every completion of an asynchronous call is
 * one step, in a random order; after every step the invariants are checked:
 * <ul>
 *   <li>no offset is committed past a record without a final outcome;</li>
 *   <li>per key, final outcomes are recorded in offset order;</li>
 *   <li>a FAILED outcome only for a record that can never be applied, and only once it was parked;</li>
 *   <li>the loop's state changes are the ones it allows (it throws otherwise);</li>
 * </ul>
 * and once faults stop, every record ends applied or FAILED and every offset is committed.
 *
 * <p>{@code -Dsimulation.seed=N} replays one schedule; {@code -Dsimulation.schedules=N} runs more.
 */
class BatchingConsumerSimulationTest {

  static {
    // Thousands of schedules of faults log hundreds of thousands of warnings; the invariants speak instead.
    System.setProperty("org.slf4j.simpleLogger.log." + BatchingConsumer.class.getName(), "off");
  }

  private static final int PARTITIONS = 3;
  private static final int KEYS = 7;

  @Test
  void everyScheduleOfFaultsEndsWithEveryRecordAppliedOrFailedAndEveryOffsetCommitted() {
    String replay = System.getProperty("simulation.seed");
    if (replay != null && !replay.isBlank()) {
      run(Long.parseLong(replay.trim()));
      return;
    }
    int schedules = Integer.getInteger("simulation.schedules", 1_000);
    long base = Long.getLong("simulation.base", System.nanoTime());
    long started = System.nanoTime();
    for (int i = 0; i < schedules; i++) {
      run(base + i);
    }
    System.out.printf("simulation: %d schedules from seed %d in %d ms%n", schedules, base,
        (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  void theSameSeedReplaysTheSameSchedule() {
    assertEquals(new World(42).runToEnd(), new World(42).runToEnd());
  }

  private static void run(long seed) {
    World world = new World(seed);
    try {
      world.runToEnd();
    } catch (AssertionError | RuntimeException e) {
      String trace = world.trace.toString();
      throw new AssertionError("simulation failed with seed " + seed + " (replay: -Dsimulation.seed=" + seed + "): "
          + e.getMessage() + "\nlast steps: " + trace.substring(Math.max(0, trace.length() - 1500)), e);
    }
  }

  /** A record in the simulated log. */
  record Rec(int partition, long offset, int key, boolean poison, boolean undecodable, int flakyDataFailures) {
    String id() {
      return partition + "@" + offset;
    }
  }

  /** One schedule: the log, the database, the broker's group state, and the consumer under test. */
  static final class World {
    final long seed;
    final Random random;
    final List<List<Rec>> log = new ArrayList<>();
    final long[] committed = new long[PARTITIONS];
    final long[] position = new long[PARTITIONS];
    /** Per partition, the offset below which every record was seen to have an outcome. */
    final long[] verified = new long[PARTITIONS];
    final Set<Integer> assigned = new HashSet<>();
    final Map<String, String> outcomes = new HashMap<>();
    final Map<Integer, Long> lastFinalOffsetByKey = new HashMap<>();
    final Set<String> parked = new HashSet<>();
    final Map<String, Integer> dataFailuresSeen = new HashMap<>();
    final List<Runnable> pending = new ArrayList<>();
    final StringBuilder trace = new StringBuilder();
    long nowMs;
    boolean faults = true;
    boolean deadLetterTopicBroken;
    boolean databaseDown;
    boolean paused;
    BatchingConsumer<Rec> consumer;
    Future<Void> stopping;
    int steps;

    World(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      for (int p = 0; p < PARTITIONS; p++) {
        log.add(new ArrayList<>());
      }
      startConsumer();
      for (int p = 0; p < PARTITIONS; p++) {
        assign(p);
      }
    }

    void startConsumer() {
      BatchingConsumer.Settings settings = new BatchingConsumer.Settings(1 + random.nextInt(8), 4 + random.nextInt(12),
          random.nextBoolean(), 1 + random.nextInt(4), 1 + random.nextInt(3), 10, 400);
      BatchingConsumer.Layout<Rec> layout = new BatchingConsumer.Layout<>(Rec::partition, Rec::offset, Rec::key,
          rec -> rec.offset());
      consumer = new BatchingConsumer<>("sim-" + seed, settings, layout, new SimHandler(), new SimParking(), new SimPort(),
          () -> nowMs, new Random(random.nextLong()), new BatchingConsumer.Listener() {
      });
      paused = false;
    }

    /** An asynchronous call: its completion is a step of its own, taken in a random order. */
    <T> Future<T> later(String what, Consumer<Promise<T>> completion) {
      Promise<T> promise = Promise.promise();
      pending.add(() -> {
        trace.append(what).append(';');
        completion.accept(promise);
      });
      return promise.future();
    }

    boolean fault(int percent) {
      return faults && random.nextInt(100) < percent;
    }

    final class SimHandler implements BatchingConsumer.Handler<Rec> {
      @Override
      public Future<Void> apply(List<Rec> records) {
        List<Rec> copy = List.copyOf(records);
        return later("apply" + copy.stream().map(Rec::id).toList(), promise -> {
          if (databaseDown || fault(15)) {
            promise.fail(new PgException("simulated outage", "FATAL", "57P01", null));
            return;
          }
          for (Rec rec : copy) {
            if (rec.poison() || dataFailuresSeen.getOrDefault(rec.id(), 0) < rec.flakyDataFailures()) {
              dataFailuresSeen.merge(rec.id(), 1, Integer::sum);
              promise.fail(new PgException("simulated data error", "ERROR", "22023", null));
              return;
            }
            assertTrue(!rec.undecodable(), "an undecodable record was given to apply: " + rec);
          }
          copy.forEach(rec -> record(rec, "APPLIED"));
          promise.complete();
        });
      }

      @Override
      public Throwable undecodable(Rec record) {
        return record.undecodable() ? new InvalidRecordException("does not decode") : null;
      }

      @Override
      public Future<Void> giveUp(Rec record, Throwable error) {
        return later("giveUp" + record.id(), promise -> {
          if (databaseDown || fault(15)) {
            promise.fail(new PgException("simulated outage", "FATAL", "57P01", null));
            return;
          }
          assertTrue(parked.contains(record.id()), "FAILED recorded before the record was parked: " + record);
          record(record, "FAILED");
          promise.complete();
        });
      }
    }

    final class SimParking implements BatchingConsumer.Parking<Rec> {
      @Override
      public Future<Void> deadLetter(Rec record, Throwable error) {
        return later("deadLetter" + record.id(), promise -> {
          if (deadLetterTopicBroken || fault(20)) {
            promise.fail(new IllegalStateException("dead-letter topic refuses"));
            return;
          }
          parked.add(record.id());
          promise.complete();
        });
      }

      @Override
      public Future<Void> quarantine(Rec record, Throwable error) {
        return later("quarantine", promise -> {
          if (databaseDown || fault(15)) {
            promise.fail(new PgException("simulated outage", "FATAL", "57P01", null));
            return;
          }
          parked.add(record.id());
          promise.complete();
        });
      }
    }

    final class SimPort implements BatchingConsumer.Port {
      @Override
      public void pauseFetching() {
        paused = true;
      }

      @Override
      public void resumeFetching() {
        paused = false;
      }

      @Override
      public Future<Void> commit(Map<Integer, Long> nextOffsets) {
        Map<Integer, Long> copy = Map.copyOf(nextOffsets);
        return later("commit" + copy, promise -> {
          if (fault(15) || copy.keySet().stream().anyMatch(p -> !assigned.contains(p))) {
            promise.fail(new IllegalStateException("commit refused: not a member of the generation"));
            return;
          }
          copy.forEach((partition, next) -> {
            assertTrue(next >= committed[partition], "commit went backwards on " + partition);
            committed[partition] = next;
          });
          checkCommitted();
          promise.complete();
        });
      }
    }

    void record(Rec rec, String outcome) {
      if (outcomes.putIfAbsent(rec.id(), outcome) != null) {
        return;
      }
      assertTrue(outcome.equals(expected(rec)) || rec.flakyDataFailures() > 0, "outcome " + outcome + " of " + rec);
      Long last = lastFinalOffsetByKey.put(rec.key(), rec.offset());
      assertTrue(last == null || last < rec.offset(),
          "key " + rec.key() + ": " + rec.id() + " reached its outcome after offset " + last);
    }

    /** A record that fails with a data error for a while may end either way; the others have one right outcome. */
    static String expected(Rec rec) {
      return rec.poison() || rec.undecodable() ? "FAILED" : "APPLIED";
    }

    /**
     * Every record below a committed offset has an outcome. Outcomes are only ever added, so the records
     * below {@link #verified} need no second look (checked after every commit, this was two thirds of the
     * simulation's time).
     */
    void checkCommitted() {
      for (int p = 0; p < PARTITIONS; p++) {
        List<Rec> records = log.get(p);
        long upTo = Math.min(committed[p], records.size());
        for (long offset = verified[p]; offset < upTo; offset++) {
          Rec rec = records.get((int) offset);
          if (!outcomes.containsKey(rec.id())) {
            fail("offset " + committed[p] + " committed on partition " + p + " past " + rec.id()
                + ", which has no outcome");
          }
        }
        verified[p] = Math.max(verified[p], upTo);
      }
    }

    void produce() {
      int key = random.nextInt(KEYS);
      int partition = key % PARTITIONS;
      int kind = random.nextInt(100);
      Rec rec = new Rec(partition, log.get(partition).size(), key, kind < 3, kind >= 3 && kind < 5,
          kind >= 5 && kind < 10 ? 1 + random.nextInt(3) : 0);
      log.get(partition).add(rec);
    }

    void poll() {
      if (consumer == null || paused) {
        return;
      }
      for (int p : new ArrayList<>(assigned)) {
        int n = random.nextInt(4);
        while (n-- > 0 && position[p] < log.get(p).size()) {
          consumer.received(log.get(p).get((int) position[p]++));
        }
      }
    }

    void assign(int partition) {
      assigned.add(partition);
      position[partition] = committed[partition];
      if (consumer != null) {
        consumer.assigned(List.of(partition));
      }
    }

    void revoke(int partition) {
      assigned.remove(partition);
      if (consumer != null) {
        consumer.revoked(List.of(partition));
      }
    }

    void step() {
      steps++;
      int choice = random.nextInt(100);
      if (choice < 30 && !pending.isEmpty()) {
        pending.remove(random.nextInt(pending.size())).run();
      } else if (choice < 45 && faults) {
        produce();
      } else if (choice < 60) {
        poll();
      } else if (choice < 80) {
        nowMs += random.nextInt(150);
        if (consumer != null) {
          consumer.tick();
        }
      } else if (choice < 83 && faults) {
        int partition = random.nextInt(PARTITIONS);
        if (assigned.contains(partition)) {
          trace.append("revoke").append(partition).append(';');
          revoke(partition);
        } else {
          trace.append("assign").append(partition).append(';');
          assign(partition);
        }
      } else if (choice < 85 && faults && consumer != null && stopping == null) {
        trace.append("stop;");
        stopping = consumer.stop();
      } else if (choice < 88 && faults) {
        databaseDown = !databaseDown;
      } else if (choice < 90 && faults) {
        deadLetterTopicBroken = !deadLetterTopicBroken;
      }
      if (stopping != null && stopping.isComplete()) {
        assertEquals(BatchingConsumer.State.STOPPED, consumer.state());
        stopping = null;
        trace.append("restart;");
        startConsumer();
        for (int p : assigned) {
          position[p] = committed[p];
          consumer.assigned(List.of(p));
        }
      }
      checkCommitted();
    }

    /** Runs the faulty part, then without faults until every record is final and committed. */
    String runToEnd() {
      for (int i = 0; i < 30; i++) {
        produce();
      }
      int faultySteps = 200 + random.nextInt(400);
      for (int i = 0; i < faultySteps; i++) {
        step();
      }
      faults = false;
      databaseDown = false;
      deadLetterTopicBroken = false;
      for (int p = 0; p < PARTITIONS; p++) {
        if (!assigned.contains(p)) {
          assign(p);
        }
      }
      int limit = 20_000;
      while (!settled()) {
        if (--limit == 0) {
          fail("no progress after faults stopped: state " + (consumer == null ? null : consumer.state())
              + ", buffered " + consumer.buffered() + ", committed " + java.util.Arrays.toString(committed)
              + ", positions " + java.util.Arrays.toString(position) + ", assigned " + assigned + ", paused " + paused + ", ends " + log.stream().map(List::size).toList() + ", outcomes " + outcomes.size()
              + ", pending " + pending.size());
        }
        step();
      }
      for (List<Rec> partition : log) {
        for (Rec rec : partition) {
          String outcome = outcomes.get(rec.id());
          assertTrue(expected(rec).equals(outcome) || rec.flakyDataFailures() > 0 && outcome != null,
              outcome + " for " + rec);
          if ("FAILED".equals(outcome)) {
            assertTrue(parked.contains(rec.id()), "FAILED but neither dead-lettered nor quarantined: " + rec);
          }
        }
      }
      return trace.toString();
    }

    boolean settled() {
      if (stopping != null || consumer == null) {
        return false;
      }
      for (int p = 0; p < PARTITIONS; p++) {
        if (committed[p] < log.get(p).size()) {
          return false;
        }
      }
      return true;
    }
  }
}
