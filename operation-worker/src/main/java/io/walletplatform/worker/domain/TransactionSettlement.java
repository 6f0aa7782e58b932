package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;
import io.walletplatform.common.wallet.WalletSnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The last step of a transaction, decided on its wallets and reservations as locked: every posting
 * applied, or none. Each debited wallet reserved its total debit with a HOLD in its own Kafka order
 * (what it could spend was decided there, against everything accepted before it on that wallet);
 * here, once every reservation is decided, either all of them are ACTIVE, the reservations are
 * captured and every posting, in its order, passes the rule a TRANSFER passes ({@link Movement}: its
 * destination exists, both wallets hold its asset, the debit is within what the source may spend,
 * the credit does not overflow), or the reservations still ACTIVE are released and nothing moves.
 * A pure function: the caller locks, reads and writes.
 */
public final class TransactionSettlement {

  /** How one reservation (a HOLD operation) ended, as the worker recorded it. */
  public record Reservation(UUID walletId, OperationStatus status, FailureReason failureReason) {
  }

  /** A posting as written: its operation row, the two wallets right after it. */
  public record AppliedPosting(UUID operationId, Posting posting, WalletSnapshot fromAfter, WalletSnapshot toAfter) {
  }

  /**
   * What to write: the transaction's final status (with the reason and the wallet it names when it
   * failed), the wallets' new states, the reservations settled, the postings applied (none when it failed).
   */
  public record Outcome(OperationStatus status, FailureReason failureReason, UUID failedWallet, Map<UUID, WalletSnapshot> changed,
                        List<Hold> holds, List<AppliedPosting> postings) {
  }

  private TransactionSettlement() {
  }

  /**
   * @param reservations how each debited wallet's reservation ended, by wallet; every one decided
   * @param holds        the reservations' holds as stored, by hold id (a failed reservation has none)
   */
  public static Outcome settle(UUID transactionId, List<Posting> postings, Map<UUID, WalletSnapshot> locked,
                               Map<UUID, Reservation> reservations, Map<UUID, Hold> holds) {
    Map<UUID, Money> debits = Postings.debits(postings);
    for (UUID walletId : debits.keySet()) {
      Reservation reservation = reservations.get(walletId);
      if (reservation == null) {
        throw new IllegalStateException("transaction " + transactionId + " is settled before wallet " + walletId
            + " decided its reservation");
      }
      if (reservation.status() != OperationStatus.COMPLETED) {
        return release(transactionId, debits, locked, holds, reservation.failureReason(), walletId);
      }
      Hold hold = holds.get(Postings.reservationId(transactionId, walletId));
      if (hold == null || !hold.active()) {
        return release(transactionId, debits, locked, holds, FailureReason.RESERVATION_LOST, walletId);
      }
      if (!hold.amount().equals(debits.get(walletId)) || !hold.walletId().equals(walletId)) {
        throw new InvariantViolation("the reservation of wallet " + walletId + " for transaction "
            + transactionId + " is " + hold.amount() + ", its debits " + debits.get(walletId));
      }
    }
    Map<UUID, WalletSnapshot> current = new HashMap<>(locked);
    Map<UUID, WalletSnapshot> changed = new LinkedHashMap<>();
    List<Hold> settled = new ArrayList<>();
    for (UUID walletId : debits.keySet()) {
      Hold hold = holds.get(Postings.reservationId(transactionId, walletId));
      // Captured: set aside no longer, paid by the postings below.
      put(current, changed, Movement.release(current.get(walletId), hold.amount(), Money.ZERO));
      settled.add(hold.settled(HoldStatus.CAPTURED, transactionId));
    }
    List<AppliedPosting> applied = new ArrayList<>(postings.size());
    for (int i = 0; i < postings.size(); i++) {
      Posting posting = postings.get(i);
      // The same rule as a TRANSFER's: the reservation, just captured, is what makes the debit possible.
      Movement.Result move = Movement.transfer(current.get(posting.from()), current.get(posting.to()), posting.to(),
          posting.asset(), posting.amount());
      if (!move.ok()) {
        return release(transactionId, debits, locked, holds, move.failure(), move.failedWallet());
      }
      put(current, changed, move.debited());
      put(current, changed, move.credited());
      applied.add(new AppliedPosting(Postings.postingId(transactionId, i), posting, move.debited(), move.credited()));
    }
    return new Outcome(OperationStatus.COMPLETED, null, null, changed, settled, applied);
  }

  /** Nothing moves: every reservation still ACTIVE is released (VOIDED by the transaction). */
  private static Outcome release(UUID transactionId, Map<UUID, Money> debits, Map<UUID, WalletSnapshot> locked,
                                 Map<UUID, Hold> holds, FailureReason reason, UUID walletId) {
    Map<UUID, WalletSnapshot> current = new HashMap<>(locked);
    Map<UUID, WalletSnapshot> changed = new LinkedHashMap<>();
    List<Hold> released = new ArrayList<>();
    for (UUID debited : debits.keySet()) {
      Hold hold = holds.get(Postings.reservationId(transactionId, debited));
      if (hold != null && hold.active()) {
        put(current, changed, Movement.release(current.get(debited), hold.amount(), Money.ZERO));
        released.add(hold.settled(HoldStatus.VOIDED, transactionId));
      }
    }
    return new Outcome(OperationStatus.FAILED, reason == null ? FailureReason.PROCESSING_FAILED : reason, walletId, changed, released, List.of());
  }

  private static void put(Map<UUID, WalletSnapshot> current, Map<UUID, WalletSnapshot> changed, WalletSnapshot next) {
    current.put(next.walletId(), next);
    changed.put(next.walletId(), next);
  }
}
