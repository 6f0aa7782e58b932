package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.db.LedgerRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Applies a batch of operations in one transaction: every wallet the batch touches (the destinations
 * of its transfers included) is locked ({@code SELECT … FOR UPDATE}, in PostgreSQL's uuid order: one
 * global order, so two batches moving money in opposite directions cannot deadlock), operations
 * applied before (by any worker, in any earlier batch) are skipped, the rest are applied in the order
 * given, which is their Kafka order. Every wallet of the batch thus gets one transaction per batch
 * window, however many operations it had.
 *
 * <p>WITHDRAW, TRANSFER and HOLD need what the wallet may spend ({@code balance - held + creditLimit}),
 * else INSUFFICIENT_FUNDS (CREDIT_LIMIT_EXCEEDED for a wallet with a credit limit); a TRANSFER between
 * wallets of two assets fails with ASSET_MISMATCH; an operation on an unknown wallet (or a transfer to one) fails with
 * WALLET_NOT_FOUND; a credit that would take a balance past what a {@code bigint} holds fails with
 * BALANCE_LIMIT. A CAPTURE or VOID names a hold of its own wallet (else HOLD_NOT_FOUND) that is still
 * ACTIVE and not past its expiresAt (else HOLD_NOT_ACTIVE: past it, only the platform's release may
 * settle it). The invariants of API.md are asserted before the commit: every new wallet state is a
 * {@link WalletSnapshot}, which refuses {@code held < 0} and {@code balance - held < -creditLimit},
 * and every wallet whose held amount changed is checked against the sum of its ACTIVE holds. A broken
 * invariant is a bug: the batch is not committed, and the error says so. The outcomes' platform
 * events ({@link WalletEvents}) are written in the same transaction, for those who listen.
 */
public final class WalletLedger {

  private static final Logger log = LoggerFactory.getLogger(WalletLedger.class);

  /**
   * What a committed batch did: the outcomes written and every wallet it locked as committed,
   * changed or not (a batch of duplicates after a crash still refreshes the cache it may have missed),
   * and whether it was decided again (its first attempt met an operation recorded before).
   */
  public record BatchResult(List<AppliedOperation> applied, int duplicates, List<PendingOperation> reuses,
                            List<WalletSnapshot> wallets, boolean decidedAgain) {
  }

  private final Pool pool;
  private final LedgerRepository repository;
  private final WalletEvents events;
  private final BalanceMonitors monitors;
  /**
   * Whether the next batch reads which of its operations were recorded before, instead of inserting
   * them straight away: only after an insert met one (a redelivery after a crash, a second submission
   * of an id), until a batch finds none. Nearly every batch has none, and that read was an index probe
   * per operation. Shared by the batches of every partition of the verticle; a stale read only costs
   * one attempt more or one read more.
   */
  private volatile boolean lookFirst;

  public WalletLedger(Pool pool, LedgerRepository repository, WalletEvents events, BalanceMonitors monitors) {
    this.pool = pool;
    this.repository = repository;
    this.events = events;
    this.monitors = monitors;
  }

  public Future<BatchResult> apply(List<PendingOperation> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new BatchResult(List.of(), 0, List.of(), List.of(), false));
    }
    Set<UUID> walletIds = new LinkedHashSet<>();
    List<UUID> operationIds = new ArrayList<>(batch.size());
    List<UUID> holdIds = new ArrayList<>();
    for (PendingOperation pending : batch) {
      WalletOperationEvent event = pending.event();
      walletIds.add(event.walletId());
      if (event.toWalletId() != null) {
        walletIds.add(event.toWalletId());
      }
      if (event.holdId() != null) {
        holdIds.add(event.holdId());
      }
      operationIds.add(event.operationId());
    }
    if (lookFirst) {
      return attempt(batch, walletIds, operationIds, holdIds, true);
    }
    return attempt(batch, walletIds, operationIds, holdIds, false).recover(error -> {
      if (!LedgerRepository.isRecordedBefore(error)) {
        return Future.failedFuture(error);
      }
      // One of them was recorded before (a redelivery, a second submission): nothing of this attempt was
      // committed; again, looking first, and so on until a batch finds none.
      lookFirst = true;
      return attempt(batch, walletIds, operationIds, holdIds, true)
          .map(result -> new BatchResult(result.applied(), result.duplicates(), result.reuses(), result.wallets(), true));
    });
  }

  /**
   * One transaction over the batch. Looking first, the operations recorded before are read and skipped (or
   * recorded as reuses); not looking, the batch is decided as if none were, and the unique operationId
   * refuses the insert (the transaction rolls back, {@link LedgerRepository#isRecordedBefore}) if one was.
   */
  private Future<BatchResult> attempt(List<PendingOperation> batch, Set<UUID> walletIds, List<UUID> operationIds,
                                      List<UUID> holdIds, boolean looking) {
    return pool.withTransaction(tx -> repository.lockWallets(tx, walletIds)
        .compose(locked -> {
          Map<UUID, WalletSnapshot> wallets = locked.wallets();
          Future<Map<UUID, Fingerprint>> recordedBefore = !looking ? Future.succeededFuture(Map.of())
              : repository.findApplied(tx, operationIds)
                  .andThen(found -> lookFirst = found.failed() || !found.result().isEmpty());
          return recordedBefore
            .compose(alreadyApplied -> repository.findHolds(tx, holdIds).compose(holds -> {
              Decision decision;
              try {
                decision = decide(batch, wallets, alreadyApplied, holds, Instant.now());
              } catch (IllegalStateException broken) {
                return Future.failedFuture(violation(broken));
              }
              return repository.insertOperations(tx, decision.applied)
                  .compose(ignored -> events.record(tx, decision.applied, locked.owners()))
                  .compose(ignored -> repository.insertReuses(tx, decision.reuses))
                  .compose(ignored -> repository.writeHolds(tx, decision.holds))
                  .compose(ignored -> repository.updateWallets(tx, decision.changedWallets.values()))
                  .compose(updated -> monitors.evaluate(tx, locked.monitored(), locked.owners(),
                      decision.changedWallets.values()).map(updated))
                  .compose(updated -> repository.walletsWithUnbalancedHolds(tx, decision.heldChanged)
                      .compose(unbalanced -> unbalanced.isEmpty() ? Future.succeededFuture(updated)
                          : Future.failedFuture(violation(new InvariantViolation("held is not the sum of the "
                              + "ACTIVE holds of wallets " + unbalanced)))))
                  .map(updated -> new BatchResult(decision.applied, decision.duplicates, decision.reuses,
                      lockedAsCommitted(wallets, updated), false));
            }));
        }));
  }

  private static InvariantViolation violation(IllegalStateException broken) {
    InvariantViolation violation = broken instanceof InvariantViolation known ? known
        : new InvariantViolation(broken.getMessage());
    log.error("INVARIANT VIOLATED, the batch is not committed: {}", violation.getMessage());
    return violation;
  }

  /**
   * Records an operation that could never be applied as FAILED / PROCESSING_FAILED, with its event; nothing moves.
   * An operation already recorded (applied in the meantime, or recorded before) keeps its row.
   */
  public Future<Void> recordProcessingFailed(PendingOperation pending) {
    return pool.withTransaction(tx -> repository.insertProcessingFailed(tx, pending).compose(recorded -> {
      if (!recorded) {
        return Future.succeededFuture();
      }
      // Its wallet.operation.failed event, in the same transaction, for the owner if it listens.
      WalletOperationEvent event = pending.event();
      return repository.owners(tx, List.of(event.walletId()))
          .compose(owners -> events.record(tx, List.of(new AppliedOperation(pending, OperationStatus.FAILED,
              FailureReason.PROCESSING_FAILED, event.amount(), null, null, owners.assets().get(event.walletId()))),
              owners.owners()));
    }));
  }

  private static List<WalletSnapshot> lockedAsCommitted(Map<UUID, WalletSnapshot> locked, List<WalletSnapshot> updated) {
    Map<UUID, WalletSnapshot> committed = new LinkedHashMap<>(locked);
    updated.forEach(wallet -> committed.put(wallet.walletId(), wallet));
    return new ArrayList<>(committed.values());
  }

  /** What to write: the outcomes, the reuses, the holds created or settled, the wallets' new states. */
  record Decision(List<AppliedOperation> applied, int duplicates, List<PendingOperation> reuses,
                  Map<UUID, WalletSnapshot> changedWallets, List<Hold> holds, Set<UUID> heldChanged) {
  }

  static Decision decide(List<PendingOperation> batch, Map<UUID, WalletSnapshot> lockedWallets,
                         Map<UUID, Fingerprint> alreadyApplied, Map<UUID, Hold> storedHolds, Instant now) {
    Decider decider = new Decider(lockedWallets, storedHolds, now);
    Map<UUID, Fingerprint> seen = new HashMap<>(alreadyApplied);
    List<AppliedOperation> applied = new ArrayList<>(batch.size());
    List<PendingOperation> reuses = new ArrayList<>();
    int duplicates = 0;
    for (PendingOperation pending : batch) {
      WalletOperationEvent event = pending.event();
      Fingerprint fingerprint = Fingerprint.of(event);
      Fingerprint earlier = seen.putIfAbsent(event.operationId(), fingerprint);
      if (earlier != null) {
        if (earlier.equals(fingerprint)) {
          duplicates++;
        } else {
          reuses.add(pending);
        }
        continue;
      }
      applied.add(decider.apply(pending));
    }
    List<Hold> holds = new ArrayList<>();
    decider.holds.forEach((id, hold) -> {
      if (!hold.equals(storedHolds.get(id))) {
        holds.add(hold);
      }
    });
    return new Decision(applied, duplicates, reuses, decider.changed, holds, decider.heldChanged);
  }

  /** The state a batch moves through: its wallets and holds as each operation leaves them. */
  private static final class Decider {
    private final Map<UUID, WalletSnapshot> current;
    private final Map<UUID, WalletSnapshot> changed = new LinkedHashMap<>();
    private final Map<UUID, Hold> holds;
    private final Set<UUID> heldChanged = new LinkedHashSet<>();
    private final Instant now;

    Decider(Map<UUID, WalletSnapshot> lockedWallets, Map<UUID, Hold> storedHolds, Instant now) {
      this.current = new HashMap<>(lockedWallets);
      this.holds = new LinkedHashMap<>(storedHolds);
      this.now = now;
    }

    AppliedOperation apply(PendingOperation pending) {
      WalletOperationEvent event = pending.event();
      WalletSnapshot wallet = current.get(event.walletId());
      if (wallet == null) {
        return AppliedOperation.failed(pending, FailureReason.WALLET_NOT_FOUND, null);
      }
      Money amount = event.amount();
      return switch (event.operationType()) {
        case DEPOSIT -> moved(pending, amount, wallet, Movement.credit(wallet, amount));
        case WITHDRAW -> moved(pending, amount, wallet, Movement.debit(wallet, amount));
        case TRANSFER -> moved(pending, amount, wallet, Movement.transfer(wallet, current.get(event.toWalletId()),
            event.toWalletId(), null, amount));
        case HOLD -> {
          Movement.Result reserved = Movement.reserve(wallet, amount);
          if (reserved.ok()) {
            holds.put(event.operationId(), new Hold(event.operationId(), wallet.walletId(), amount, HoldStatus.ACTIVE,
                event.expiresAt(), now, null, false));
          }
          yield moved(pending, amount, wallet, reserved);
        }
        case CAPTURE, VOID -> settle(pending, wallet);
      };
    }

    /** The outcome of a move decided by {@link Movement}: the operation's wallet first, then a transfer's destination. */
    private AppliedOperation moved(PendingOperation pending, Money amount, WalletSnapshot wallet, Movement.Result move) {
      if (!move.ok()) {
        return AppliedOperation.failed(pending, move.failure(), wallet);
      }
      return move.debited() == null ? completed(pending, amount, move.credited(), null)
          : completed(pending, amount, move.debited(), move.credited());
    }

    private AppliedOperation settle(PendingOperation pending, WalletSnapshot wallet) {
      WalletOperationEvent event = pending.event();
      Hold hold = holds.get(event.holdId());
      if (hold == null || !hold.walletId().equals(wallet.walletId())) {
        return AppliedOperation.failed(pending, FailureReason.HOLD_NOT_FOUND, wallet);
      }
      // Past its expiresAt a hold is the platform's to release: a client's CAPTURE or VOID is too late.
      if (!hold.active() || (!event.expiry() && !now.isBefore(hold.expiresAt()))) {
        return AppliedOperation.failed(pending, FailureReason.HOLD_NOT_ACTIVE, wallet);
      }
      if (event.operationType() == OperationType.CAPTURE) {
        if (event.amount().compareTo(hold.amount()) > 0) {
          return AppliedOperation.failed(pending, FailureReason.AMOUNT_EXCEEDS_HOLD, wallet);
        }
        holds.put(hold.holdId(), hold.settled(HoldStatus.CAPTURED, event.operationId()));
        return completed(pending, event.amount(), Movement.release(wallet, hold.amount(), event.amount()), null);
      }
      holds.put(hold.holdId(), hold.settled(event.expiry() ? HoldStatus.EXPIRED : HoldStatus.VOIDED, event.operationId()));
      return completed(pending, hold.amount(), Movement.release(wallet, hold.amount(), Money.ZERO), null);
    }

    private AppliedOperation completed(PendingOperation pending, Money amount, WalletSnapshot after,
                                       WalletSnapshot toAfter) {
      record(after);
      if (toAfter != null) {
        record(toAfter);
      }
      return AppliedOperation.completed(pending, amount, after, toAfter);
    }

    private void record(WalletSnapshot next) {
      WalletSnapshot before = current.put(next.walletId(), next);
      if (before == null || next.version() <= before.version()) {
        throw new InvariantViolation("wallet " + next.walletId() + " moved without its version growing");
      }
      if (!Objects.equals(before.held(), next.held())) {
        heldChanged.add(next.walletId());
      }
      changed.put(next.walletId(), next);
    }
  }
}
