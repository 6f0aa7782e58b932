package io.walletplatform.worker.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.db.LedgerRepository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Applies a batch of operations in one transaction: the batch's wallets are locked
 * ({@code SELECT … FOR UPDATE}, in id order), operations applied before (by any worker, in any
 * earlier batch) are skipped, the rest are applied in the order given, which is their Kafka order.
 * A WITHDRAW beyond the balance at its turn fails with INSUFFICIENT_FUNDS; an operation on an
 * unknown wallet fails with WALLET_NOT_FOUND; a DEPOSIT that would take the balance past what a
 * {@code bigint} holds fails with BALANCE_LIMIT. Every wallet of the batch thus gets one transaction
 * per batch window, however many operations it had.
 */
public final class WalletLedger {

  /**
   * What a committed batch did: the outcomes written and every wallet it locked as committed,
   * changed or not (a batch of duplicates after a crash still refreshes the cache it may have missed).
   */
  public record BatchResult(List<AppliedOperation> applied, int duplicates, List<PendingOperation> reuses,
                            List<WalletSnapshot> wallets) {
  }

  /** What makes two records the same operation: an operationId seen with another fingerprint is a reuse. */
  public record Fingerprint(UUID walletId, WalletOperationEvent.OperationType operationType, Money amount) {
    static Fingerprint of(WalletOperationEvent event) {
      return new Fingerprint(event.walletId(), event.operationType(), event.amount());
    }
  }

  private final Pool pool;
  private final LedgerRepository repository;

  public WalletLedger(Pool pool, LedgerRepository repository) {
    this.pool = pool;
    this.repository = repository;
  }

  public Future<BatchResult> apply(List<PendingOperation> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new BatchResult(List.of(), 0, List.of(), List.of()));
    }
    Set<UUID> walletIds = new TreeSet<>();
    List<UUID> operationIds = new ArrayList<>(batch.size());
    for (PendingOperation pending : batch) {
      walletIds.add(pending.event().walletId());
      operationIds.add(pending.event().operationId());
    }
    return pool.withTransaction(tx -> repository.lockWallets(tx, walletIds)
        .compose(wallets -> repository.findApplied(tx, operationIds).compose(alreadyApplied -> {
          Decision decision = decide(batch, wallets, alreadyApplied);
          return repository.insertOperations(tx, decision.applied)
              .compose(ignored -> repository.insertReuses(tx, decision.reuses))
              .compose(ignored -> repository.updateWallets(tx, decision.changedWallets.values()))
              .map(updated -> new BatchResult(decision.applied, decision.duplicates, decision.reuses,
                  lockedAsCommitted(wallets, updated)));
        })));
  }

  /**
   * Records an operation that could never be applied as FAILED / PROCESSING_FAILED; nothing moves.
   * An operation already recorded (applied in the meantime, or recorded before) keeps its row.
   */
  public Future<Void> recordProcessingFailed(PendingOperation pending) {
    return repository.insertProcessingFailed(pool, pending);
  }

  private static List<WalletSnapshot> lockedAsCommitted(Map<UUID, WalletSnapshot> locked, List<WalletSnapshot> updated) {
    Map<UUID, WalletSnapshot> committed = new LinkedHashMap<>(locked);
    updated.forEach(wallet -> committed.put(wallet.walletId(), wallet));
    return new ArrayList<>(committed.values());
  }

  private record Decision(List<AppliedOperation> applied, int duplicates, List<PendingOperation> reuses,
                          Map<UUID, WalletSnapshot> changedWallets) {
  }

  static Decision decide(List<PendingOperation> batch, Map<UUID, WalletSnapshot> lockedWallets,
                         Map<UUID, Fingerprint> alreadyApplied) {
    Map<UUID, Fingerprint> seen = new HashMap<>(alreadyApplied);
    Map<UUID, WalletSnapshot> current = new LinkedHashMap<>(lockedWallets);
    Map<UUID, WalletSnapshot> changed = new LinkedHashMap<>();
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
      WalletSnapshot wallet = current.get(event.walletId());
      if (wallet == null) {
        applied.add(new AppliedOperation(pending, AppliedOperation.FAILED, "WALLET_NOT_FOUND", null));
        continue;
      }
      Money balance = wallet.balance();
      Money next;
      try {
        next = switch (event.operationType()) {
          case DEPOSIT -> balance.plus(event.amount());
          case WITHDRAW -> balance.minus(event.amount());
        };
      } catch (ArithmeticException overflow) {
        applied.add(new AppliedOperation(pending, AppliedOperation.FAILED, "BALANCE_LIMIT", balance));
        continue;
      }
      if (next.isNegative()) {
        applied.add(new AppliedOperation(pending, AppliedOperation.FAILED, "INSUFFICIENT_FUNDS", balance));
        continue;
      }
      WalletSnapshot updated = new WalletSnapshot(wallet.walletId(), next, Math.addExact(wallet.version(), 1),
          wallet.createdAt(), wallet.updatedAt());
      current.put(updated.walletId(), updated);
      changed.put(updated.walletId(), updated);
      applied.add(new AppliedOperation(pending, AppliedOperation.COMPLETED, null, next));
    }
    return new Decision(applied, duplicates, reuses, changed);
  }
}
