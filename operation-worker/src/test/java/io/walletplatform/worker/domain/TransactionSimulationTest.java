package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.domain.Fingerprint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded simulation of transactions across partitions (the idea of TigerBeetle's VOPR, small): the
 * real decision functions ({@link WalletLedger#decide} for each partition's batches,
 * {@link TransactionSettlement#settle} for the coordinator) over an in-memory database and Kafka, in
 * a random schedule of steps and crashes. wallet-api inserts a transaction's row, then produces each
 * debited wallet's reservation, and may die between any two of those (its sends are lost); a worker
 * commits a batch, then its offsets, and may die between the two (the batch is delivered again); the
 * coordinator settles in one atomic commit and may die before it (it forgets which reservations it
 * produced again); owners void reservations; DEPOSIT, WITHDRAW and TRANSFER run among them. After
 * every step:
 * <ul>
 *   <li>each asset's total is the money brought in minus the money taken out (no posting creates or
 *       destroys any);</li>
 *   <li>no wallet is below {@code -creditLimit}, holds included; {@code held} is the sum of its ACTIVE holds;</li>
 *   <li>a COMPLETED transaction has every posting and its reservations CAPTURED, a FAILED or PENDING one none;</li>
 *   <li>a partition's operations are first applied in its Kafka order;</li>
 * </ul>
 * and once crashes stop, every transaction ends COMPLETED or FAILED with no reservation left ACTIVE.
 *
 * <p>{@code -Dsimulation.seed=N} replays one schedule; {@code -Dsimulation.schedules=N} runs more.
 */
class TransactionSimulationTest {

  private static final Asset EUR = new Asset("EUR", 2);
  private static final int PARTITIONS = 3;
  private static final int WALLETS = 8;
  private static final Instant EPOCH = Instant.parse("2026-12-05T00:00:00Z");

  @Test
  void everyScheduleSettlesEveryTransactionWholeAndKeepsEveryCent() {
    String replay = System.getProperty("simulation.seed");
    if (replay != null && !replay.isBlank()) {
      run(Long.parseLong(replay.trim()));
      return;
    }
    int schedules = Integer.getInteger("simulation.schedules", 150);
    long base = Long.getLong("simulation.base", System.nanoTime());
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < schedules; i++) {
      run(base + i).forEach((outcome, count) -> outcomes.merge(outcome, count, Integer::sum));
    }
    System.out.printf("transaction simulation: %d schedules from seed %d: %s%n", schedules, base, outcomes);
    // The schedules reach every path of the protocol, or the invariants above proved little.
    for (String path : List.of("COMPLETED", "FAILED/INSUFFICIENT_FUNDS", "FAILED/CREDIT_LIMIT_EXCEEDED",
        "FAILED/ASSET_MISMATCH", "FAILED/WALLET_NOT_FOUND", "FAILED/RESERVATION_LOST", "resubmitted",
        "redelivered")) {
      assertTrue(outcomes.getOrDefault(path, 0) > 0, "no schedule reached " + path + ": " + outcomes);
    }
  }

  @Test
  void theSameSeedReplaysTheSameSchedule() {
    assertEquals(new World(42).runToEnd(), new World(42).runToEnd());
  }

  private static Map<String, Integer> run(long seed) {
    World world = new World(seed);
    try {
      return world.runToEnd();
    } catch (AssertionError | RuntimeException e) {
      String trace = world.trace.toString();
      throw new AssertionError("simulation failed with seed " + seed + " (replay: -Dsimulation.seed=" + seed + "): "
          + e.getMessage() + "\nlast steps: " + trace.substring(Math.max(0, trace.length() - 2000)), e);
    }
  }

  /** A transaction's row, as the coordinator reads and writes it. */
  private static final class Row {
    final UUID id;
    final List<Posting> postings;
    final long acceptedAt;
    OperationStatus status = OperationStatus.PENDING;
    FailureReason reason;

    Row(UUID id, List<Posting> postings, long acceptedAt) {
      this.id = id;
      this.postings = postings;
      this.acceptedAt = acceptedAt;
    }
  }

  /** An operation's row: how it ended. */
  private record Operation(Fingerprint fingerprint, OperationStatus status, FailureReason reason) {
  }

  private static final class World {
    final Random random;
    final StringBuilder trace = new StringBuilder();
    long clock;
    // The database.
    final Map<UUID, WalletSnapshot> wallets = new LinkedHashMap<>();
    final Map<UUID, Hold> holds = new LinkedHashMap<>();
    final Map<UUID, Operation> operations = new HashMap<>();
    final Map<UUID, Row> transactions = new LinkedHashMap<>();
    final Map<String, Long> broughtIn = new TreeMap<>();
    // Kafka: each partition's log, what its worker has read and what it has committed.
    final List<List<PendingOperation>> log = new ArrayList<>();
    final int[] position = new int[PARTITIONS];
    final int[] committed = new int[PARTITIONS];
    final long[] lastApplied = new long[PARTITIONS];
    // wallet-api's sends not made yet; the coordinator's memory of what it produced again.
    final List<WalletOperationEvent> unsent = new ArrayList<>();
    final Map<UUID, Long> resubmitted = new HashMap<>();
    final List<UUID> walletIds = new ArrayList<>();
    final Map<String, Integer> outcomes = new TreeMap<>();

    World(long seed) {
      random = new Random(seed);
      for (int p = 0; p < PARTITIONS; p++) {
        log.add(new ArrayList<>());
        lastApplied[p] = -1;
      }
      for (int i = 0; i < WALLETS; i++) {
        UUID id = new UUID(seed, i);
        Asset asset = i % 4 == 3 ? EUR : Asset.USD;
        Money credit = random.nextInt(3) == 0 ? Money.ofMinor(50_00) : Money.ZERO;
        long balance = random.nextInt(100_00);
        wallets.put(id, new WalletSnapshot(id, Money.ofMinor(balance), Money.ZERO, 1, EPOCH, EPOCH, asset, credit));
        broughtIn.merge(asset.code(), balance, Long::sum);
        walletIds.add(id);
      }
    }

    Map<String, Integer> runToEnd() {
      int steps = 150 + random.nextInt(250);
      for (int i = 0; i < steps; i++) {
        step();
        check();
      }
      quiesce();
      return outcomes;
    }

    private void step() {
      int dice = random.nextInt(100);
      if (dice < 12) {
        submitTransaction();
      } else if (dice < 24) {
        submitOperation();
      } else if (dice < 40) {
        send();
      } else if (dice < 43) {
        note("wallet-api SIGKILLed, " + unsent.size() + " send(s) lost");
        unsent.clear();
      } else if (dice < 65) {
        poll(random.nextInt(PARTITIONS));
      } else if (dice < 75) {
        int p = random.nextInt(PARTITIONS);
        committed[p] = position[p];
      } else if (dice < 79) {
        int p = random.nextInt(PARTITIONS);
        if (position[p] > committed[p]) {
          outcomes.merge("redelivered", 1, Integer::sum);
        }
        note("worker " + p + " SIGKILLed at " + position[p] + ", restarts at " + committed[p]);
        position[p] = committed[p];
      } else if (dice < 92) {
        coordinate(false);
      } else if (dice < 94) {
        note("coordinator SIGKILLed");
        resubmitted.clear();
      } else {
        clock += random.nextInt(3_000);
      }
    }

    private WalletSnapshot anyWallet() {
      return wallets.get(walletIds.get(random.nextInt(walletIds.size())));
    }

    private Money amount() {
      return Money.ofMinor(1 + random.nextInt(60_00));
    }

    private void submitTransaction() {
      UUID id = new UUID(random.nextLong(), random.nextLong());
      List<Posting> postings = new ArrayList<>();
      int count = 1 + random.nextInt(4);
      for (int i = 0; i < count; i++) {
        WalletSnapshot from = anyWallet();
        // Mostly within one asset; now and then one that the settlement must refuse whole, or to no wallet.
        WalletSnapshot to = anyWallet();
        while (random.nextInt(15) != 0 && !to.asset().equals(from.asset())) {
          to = anyWallet();
        }
        UUID toId = random.nextInt(40) == 0 ? new UUID(7, random.nextInt(1000)) : to.walletId();
        if (toId.equals(from.walletId())) {
          continue;
        }
        postings.add(new Posting(from.walletId(), toId, amount(), from.asset()));
      }
      if (postings.isEmpty()) {
        return;
      }
      transactions.put(id, new Row(id, postings, clock));
      // wallet-api: the row is committed, then each reservation is sent (and may be lost).
      Postings.debits(postings).forEach((walletId, amount) ->
          unsent.add(Postings.reservation(id, walletId, amount, EPOCH.plusMillis(clock), "sim")));
      note("transaction " + id + " " + postings.size() + " posting(s)");
    }

    private void submitOperation() {
      WalletSnapshot wallet = anyWallet();
      int kind = random.nextInt(10);
      if (kind == 0 && !transactions.isEmpty()) {
        // An owner voids one of its wallet's reservations: its transaction can no longer settle whole.
        List<Row> rows = new ArrayList<>(transactions.values());
        Row row = rows.get(random.nextInt(rows.size()));
        UUID walletId = row.postings.get(0).from();
        produce(new WalletOperationEvent(UUID.randomUUID(), walletId, OperationType.VOID, Money.ZERO,
            EPOCH.plusMillis(clock), "sim", null, Postings.reservationId(row.id, walletId), null, false, null));
        return;
      }
      OperationType type = kind < 4 ? OperationType.DEPOSIT : kind < 7 ? OperationType.WITHDRAW : OperationType.TRANSFER;
      UUID to = type == OperationType.TRANSFER ? anyWallet().walletId() : null;
      if (wallet.walletId().equals(to)) {
        return;
      }
      produce(new WalletOperationEvent(UUID.randomUUID(), wallet.walletId(), type, amount(), EPOCH.plusMillis(clock),
          "sim", to, null, null, false, null));
    }

    private void send() {
      if (!unsent.isEmpty()) {
        produce(unsent.remove(random.nextInt(unsent.size())));
      }
    }

    private void produce(WalletOperationEvent event) {
      int p = walletIds.indexOf(event.walletId()) % PARTITIONS;
      log.get(p).add(new PendingOperation(event, p, log.get(p).size()));
    }

    /** One worker batch: decided by the worker's own function, committed whole. */
    private void poll(int p) {
      List<PendingOperation> records = log.get(p);
      if (position[p] >= records.size()) {
        return;
      }
      List<PendingOperation> batch = new ArrayList<>(records.subList(position[p],
          Math.min(records.size(), position[p] + 1 + random.nextInt(5))));
      Map<UUID, WalletSnapshot> locked = new HashMap<>();
      Map<UUID, Fingerprint> applied = new HashMap<>();
      Map<UUID, Hold> stored = new HashMap<>();
      for (PendingOperation pending : batch) {
        WalletOperationEvent event = pending.event();
        lock(locked, event.walletId());
        lock(locked, event.toWalletId());
        Operation operation = operations.get(event.operationId());
        if (operation != null) {
          applied.put(event.operationId(), operation.fingerprint());
        }
        if (event.holdId() != null && holds.containsKey(event.holdId())) {
          stored.put(event.holdId(), holds.get(event.holdId()));
        }
      }
      WalletLedger.Decision decision = WalletLedger.decide(batch, locked, applied, stored, EPOCH.plusMillis(clock));
      for (AppliedOperation outcome : decision.applied()) {
        WalletOperationEvent event = outcome.pending().event();
        assertTrue(outcome.pending().offset() > lastApplied[p], "partition " + p + " applied offset "
            + outcome.pending().offset() + " after " + lastApplied[p]);
        lastApplied[p] = outcome.pending().offset();
        operations.put(event.operationId(), new Operation(Fingerprint.of(event.walletId(), event.operationType(),
            event.amount(), event.toWalletId(), event.holdId(), event.metadata()), outcome.status(), outcome.failureReason()));
        if (outcome.completed() && event.operationType() == OperationType.DEPOSIT) {
          broughtIn.merge(outcome.asset().code(), event.amount().minor(), Long::sum);
        }
        if (outcome.completed() && event.operationType() == OperationType.WITHDRAW) {
          broughtIn.merge(outcome.asset().code(), -event.amount().minor(), Long::sum);
        }
      }
      decision.holds().forEach(hold -> holds.put(hold.holdId(), hold));
      commitWallets(decision.changedWallets().values());
      position[p] += batch.size();
      note("worker " + p + " applied " + batch.size() + " (" + decision.duplicates() + " again)");
    }

    private void lock(Map<UUID, WalletSnapshot> locked, UUID walletId) {
      if (walletId != null && wallets.containsKey(walletId)) {
        locked.put(walletId, wallets.get(walletId));
      }
    }

    private void commitWallets(Iterable<WalletSnapshot> changed) {
      for (WalletSnapshot next : changed) {
        WalletSnapshot before = wallets.put(next.walletId(), next);
        assertTrue(next.version() > before.version(), "wallet " + next.walletId() + " written without a new version");
      }
    }

    /**
     * The coordinator's scan: each PENDING transaction settled once decided, or its lost reservations
     * produced again. Under crashes a scan reaches only some (the others wait for a later one).
     */
    private void coordinate(boolean every) {
      for (Row row : new ArrayList<>(transactions.values())) {
        if (row.status != OperationStatus.PENDING || (!every && random.nextInt(3) == 0)) {
          continue;
        }
        Map<UUID, Money> debits = Postings.debits(row.postings);
        Map<UUID, TransactionSettlement.Reservation> decided = new HashMap<>();
        debits.keySet().forEach(walletId -> {
          Operation reservation = operations.get(Postings.reservationId(row.id, walletId));
          if (reservation != null) {
            decided.put(walletId, new TransactionSettlement.Reservation(walletId, reservation.status(),
                reservation.reason()));
          }
        });
        if (decided.size() == debits.size()) {
          settle(row, decided);
        } else if (clock - row.acceptedAt > 5_000 && clock - resubmitted.getOrDefault(row.id, -1_000_000L) > 5_000) {
          debits.forEach((walletId, amount) -> {
            if (!decided.containsKey(walletId)) {
              produce(Postings.reservation(row.id, walletId, amount, EPOCH.plusMillis(row.acceptedAt), "sim"));
            }
          });
          resubmitted.put(row.id, clock);
          outcomes.merge("resubmitted", 1, Integer::sum);
          note("coordinator produced " + row.id + "'s reservations again");
        }
      }
    }

    private void settle(Row row, Map<UUID, TransactionSettlement.Reservation> decided) {
      Map<UUID, WalletSnapshot> locked = new HashMap<>();
      for (Posting posting : row.postings) {
        lock(locked, posting.from());
        lock(locked, posting.to());
      }
      Map<UUID, Hold> reservations = new HashMap<>();
      decided.keySet().forEach(walletId -> {
        UUID holdId = Postings.reservationId(row.id, walletId);
        if (holds.containsKey(holdId)) {
          reservations.put(holdId, holds.get(holdId));
        }
      });
      TransactionSettlement.Outcome outcome = TransactionSettlement.settle(row.id, row.postings, locked, decided,
          reservations);
      // One commit: holds, wallets, postings, the row.
      outcome.holds().forEach(hold -> holds.put(hold.holdId(), hold));
      commitWallets(outcome.changed().values());
      for (TransactionSettlement.AppliedPosting posting : outcome.postings()) {
        operations.put(posting.operationId(), new Operation(null, OperationStatus.COMPLETED, null));
      }
      row.status = outcome.status();
      row.reason = outcome.failureReason();
      outcomes.merge(row.reason == null ? row.status.name() : row.status + "/" + row.reason, 1, Integer::sum);
      note("coordinator settled " + row.id + ": " + row.status + " " + row.reason);
    }

    /** Crashes stop; every send is given up, and the platform runs until nothing is left to do. */
    private void quiesce() {
      unsent.clear();
      for (int round = 0; round < 50; round++) {
        clock += 6_000;
        for (int p = 0; p < PARTITIONS; p++) {
          while (position[p] < log.get(p).size()) {
            poll(p);
            check();
          }
          committed[p] = position[p];
        }
        coordinate(true);
        check();
        boolean consumed = true;
        for (int p = 0; p < PARTITIONS; p++) {
          consumed &= position[p] == log.get(p).size();
        }
        if (consumed && transactions.values().stream().noneMatch(row -> row.status == OperationStatus.PENDING)) {
          for (Row row : transactions.values()) {
            for (UUID walletId : Postings.debits(row.postings).keySet()) {
              Hold reservation = holds.get(Postings.reservationId(row.id, walletId));
              assertTrue(reservation == null || !reservation.active(), "transaction " + row.id + " is " + row.status
                  + " and left its reservation on " + walletId + " ACTIVE");
            }
          }
          return;
        }
      }
      throw new AssertionError("transactions still PENDING after every partition was consumed: "
          + transactions.values().stream().filter(row -> row.status == OperationStatus.PENDING).map(row -> row.id).toList());
    }

    private void check() {
      Map<String, Long> totals = new TreeMap<>();
      broughtIn.keySet().forEach(asset -> totals.put(asset, 0L));
      Map<UUID, Long> active = new HashMap<>();
      holds.values().stream().filter(Hold::active)
          .forEach(hold -> active.merge(hold.walletId(), hold.amount().minor(), Long::sum));
      for (WalletSnapshot wallet : wallets.values()) {
        totals.merge(wallet.asset().code(), wallet.balance().minor(), Long::sum);
        assertTrue(wallet.balance().minus(wallet.held()).plus(wallet.creditLimit()).minor() >= 0,
            "wallet " + wallet.walletId() + " below its credit limit");
        assertEquals(active.getOrDefault(wallet.walletId(), 0L), wallet.held().minor(),
            "wallet " + wallet.walletId() + ": held is not the sum of its ACTIVE holds");
      }
      assertEquals(broughtIn, totals, "each asset's total is what was brought in, less what was taken out");
      for (Row row : transactions.values()) {
        Set<HoldStatus> reservationStates = new LinkedHashSet<>();  // null: no reservation
        for (UUID walletId : Postings.debits(row.postings).keySet()) {
          Hold hold = holds.get(Postings.reservationId(row.id, walletId));
          reservationStates.add(hold == null ? null : hold.status());
        }
        int postings = 0;
        for (int i = 0; i < row.postings.size(); i++) {
          postings += operations.containsKey(Postings.postingId(row.id, i)) ? 1 : 0;
        }
        switch (row.status) {
          case COMPLETED -> {
            assertEquals(row.postings.size(), postings, "COMPLETED " + row.id + " is missing postings");
            assertEquals(Set.of(HoldStatus.CAPTURED), reservationStates, "COMPLETED " + row.id + "'s reservations");
          }
          case FAILED -> {
            assertEquals(0, postings, "FAILED " + row.id + " has postings");
            assertTrue(!reservationStates.contains(HoldStatus.ACTIVE) && !reservationStates.contains(HoldStatus.CAPTURED),
                "FAILED " + row.id + " left reservations " + reservationStates);
          }
          case PENDING -> {
            assertEquals(0, postings, "PENDING " + row.id + " has postings");
            assertTrue(!reservationStates.contains(HoldStatus.CAPTURED), "PENDING " + row.id + " captured a reservation");
          }
        }
      }
    }

    private void note(String step) {
      trace.append('[').append(clock).append("] ").append(step).append('\n');
      if (trace.length() > 20_000) {
        trace.delete(0, trace.length() - 10_000);
      }
    }
  }
}
