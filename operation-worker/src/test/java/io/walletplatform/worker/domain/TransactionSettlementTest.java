package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.domain.TransactionSettlement.Outcome;
import io.walletplatform.worker.domain.TransactionSettlement.Reservation;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The last step of a transaction: all postings, or none, on the wallets and reservations as locked. */
class TransactionSettlementTest {

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final Asset EUR = new Asset("EUR", 2);

  private static WalletSnapshot wallet(long balance, long held, Asset asset) {
    return new WalletSnapshot(UUID.randomUUID(), Money.ofMinor(balance), Money.ofMinor(held), 3, NOW, NOW, asset,
        Money.ZERO);
  }

  /** The wallets with each debited one's reservation taken (held), as the worker left them. */
  private static Map<UUID, WalletSnapshot> reserved(UUID transactionId, List<Posting> postings,
                                                    List<WalletSnapshot> wallets, Map<UUID, Hold> holds) {
    Map<UUID, WalletSnapshot> locked = new HashMap<>();
    wallets.forEach(wallet -> locked.put(wallet.walletId(), wallet));
    Postings.debits(postings).forEach((walletId, amount) -> {
      WalletSnapshot wallet = locked.get(walletId);
      locked.put(walletId, wallet.next(wallet.balance(), wallet.held().plus(amount)));
      UUID holdId = Postings.reservationId(transactionId, walletId);
      holds.put(holdId, new Hold(holdId, walletId, amount, HoldStatus.ACTIVE, NOW.plusSeconds(60), NOW, null, true));
    });
    return locked;
  }

  private static Map<UUID, Reservation> allCompleted(List<Posting> postings) {
    Map<UUID, Reservation> reservations = new HashMap<>();
    Postings.debits(postings).keySet().forEach(id -> reservations.put(id, new Reservation(id, OperationStatus.COMPLETED, null)));
    return reservations;
  }

  @Test
  void everyPostingIsAppliedInOrderAndTheReservationsCaptured() {
    WalletSnapshot a = wallet(100_00, 0, Asset.USD);
    WalletSnapshot b = wallet(0, 0, Asset.USD);
    WalletSnapshot c = wallet(5_00, 0, Asset.USD);
    UUID transactionId = UUID.randomUUID();
    List<Posting> postings = List.of(new Posting(a.walletId(), b.walletId(), Money.ofMinor(60_00), Asset.USD),
        new Posting(a.walletId(), c.walletId(), Money.ofMinor(1_00), Asset.USD),
        new Posting(c.walletId(), b.walletId(), Money.ofMinor(5_00), Asset.USD));
    Map<UUID, Hold> holds = new HashMap<>();
    Map<UUID, WalletSnapshot> locked = reserved(transactionId, postings, List.of(a, b, c), holds);
    Outcome outcome = TransactionSettlement.settle(transactionId, postings, locked, allCompleted(postings), holds);
    assertEquals(OperationStatus.COMPLETED, outcome.status());
    assertEquals(Money.ofMinor(39_00), outcome.changed().get(a.walletId()).balance());
    assertEquals(Money.ZERO, outcome.changed().get(a.walletId()).held());
    assertEquals(Money.ofMinor(65_00), outcome.changed().get(b.walletId()).balance());
    assertEquals(Money.ofMinor(1_00), outcome.changed().get(c.walletId()).balance(), "5.00 reserved before the credit");
    assertEquals(3, outcome.postings().size());
    assertEquals(List.of(HoldStatus.CAPTURED, HoldStatus.CAPTURED), outcome.holds().stream().map(Hold::status).toList());
  }

  @Test
  void aFailedReservationReleasesEveryOtherAndMovesNothing() {
    WalletSnapshot a = wallet(100_00, 0, Asset.USD);
    WalletSnapshot b = wallet(1_00, 0, Asset.USD);
    WalletSnapshot c = wallet(0, 0, Asset.USD);
    UUID transactionId = UUID.randomUUID();
    List<Posting> postings = List.of(new Posting(a.walletId(), c.walletId(), Money.ofMinor(10_00), Asset.USD),
        new Posting(b.walletId(), c.walletId(), Money.ofMinor(2_00), Asset.USD));
    Map<UUID, Hold> holds = new HashMap<>();
    Map<UUID, WalletSnapshot> locked = reserved(transactionId, List.of(postings.get(0)), List.of(a, b, c), holds);
    Map<UUID, Reservation> reservations = new HashMap<>(allCompleted(List.of(postings.get(0))));
    reservations.put(b.walletId(), new Reservation(b.walletId(), OperationStatus.FAILED, FailureReason.INSUFFICIENT_FUNDS));
    Outcome outcome = TransactionSettlement.settle(transactionId, postings, locked, reservations, holds);
    assertEquals(OperationStatus.FAILED, outcome.status());
    assertEquals(FailureReason.INSUFFICIENT_FUNDS, outcome.failureReason());
    assertEquals(b.walletId(), outcome.failedWallet());
    assertEquals(Money.ofMinor(100_00), outcome.changed().get(a.walletId()).balance());
    assertEquals(Money.ZERO, outcome.changed().get(a.walletId()).held(), "a's reservation released");
    assertEquals(List.of(HoldStatus.VOIDED), outcome.holds().stream().map(Hold::status).toList());
    assertTrue(outcome.postings().isEmpty());
  }

  @Test
  void aReservationNoLongerActiveOrADestinationOfAnotherAssetFailsTheWhole() {
    WalletSnapshot a = wallet(100_00, 0, Asset.USD);
    WalletSnapshot eur = wallet(0, 0, EUR);
    WalletSnapshot usd = wallet(0, 0, Asset.USD);
    UUID transactionId = UUID.randomUUID();
    List<Posting> postings = List.of(new Posting(a.walletId(), usd.walletId(), Money.ofMinor(1_00), Asset.USD),
        new Posting(a.walletId(), eur.walletId(), Money.ofMinor(1_00), Asset.USD));
    Map<UUID, Hold> holds = new HashMap<>();
    Map<UUID, WalletSnapshot> locked = reserved(transactionId, postings, List.of(a, eur, usd), holds);
    Outcome mismatch = TransactionSettlement.settle(transactionId, postings, locked, allCompleted(postings), holds);
    assertEquals(FailureReason.ASSET_MISMATCH, mismatch.failureReason());
    assertEquals(eur.walletId(), mismatch.failedWallet());
    assertTrue(mismatch.postings().isEmpty());
    assertEquals(Money.ofMinor(100_00), mismatch.changed().get(a.walletId()).balance());

    UUID holdId = Postings.reservationId(transactionId, a.walletId());
    holds.put(holdId, holds.get(holdId).settled(HoldStatus.VOIDED, UUID.randomUUID()));
    Outcome lost = TransactionSettlement.settle(transactionId, postings, locked, allCompleted(postings), holds);
    assertEquals(FailureReason.RESERVATION_LOST, lost.failureReason());
    assertTrue(lost.changed().isEmpty(), "nothing to release: the owner voided it");
  }

  /** Random transactions over two assets: each asset's total is unchanged, and a failure changes no balance. */
  @Test
  void randomTransactionsConserveEachAssetAndFailWhole() {
    Random random = new Random(7);
    Map<String, Integer> outcomes = new HashMap<>();
    for (int round = 0; round < 500; round++) {
      List<WalletSnapshot> wallets = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        wallets.add(wallet(random.nextInt(100_00), 0, random.nextInt(4) == 0 ? EUR : Asset.USD));
      }
      List<Posting> postings = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        WalletSnapshot from = wallets.get(random.nextInt(wallets.size()));
        WalletSnapshot to = wallets.get(random.nextInt(wallets.size()));
        if (from == to) {
          continue;
        }
        postings.add(new Posting(from.walletId(), to.walletId(), Money.ofMinor(1 + random.nextInt(30_00)), from.asset()));
      }
      if (postings.isEmpty()) {
        continue;
      }
      UUID transactionId = UUID.randomUUID();
      Map<UUID, Hold> holds = new HashMap<>();
      // A wallet reserves its debit when it can spend it, as the worker decides; otherwise its reservation fails.
      Map<UUID, WalletSnapshot> byId = new HashMap<>();
      wallets.forEach(w -> byId.put(w.walletId(), w));
      List<Posting> reservable = new ArrayList<>();
      Map<UUID, Reservation> reservations = new HashMap<>();
      Postings.debits(postings).forEach((walletId, amount) -> {
        if (amount.compareTo(byId.get(walletId).spendable()) <= 0) {
          reservable.add(new Posting(walletId, walletId, amount, byId.get(walletId).asset()));
          reservations.put(walletId, new Reservation(walletId, OperationStatus.COMPLETED, null));
        } else {
          reservations.put(walletId, new Reservation(walletId, OperationStatus.FAILED, FailureReason.INSUFFICIENT_FUNDS));
        }
      });
      Map<UUID, WalletSnapshot> locked = reserved(transactionId, reservable, wallets, holds);
      Outcome outcome = TransactionSettlement.settle(transactionId, postings, locked, reservations, holds);
      outcomes.merge(outcome.status() + "/" + outcome.failureReason(), 1, Integer::sum);
      for (String asset : List.of("USD", "EUR")) {
        long before = wallets.stream().filter(w -> w.asset().code().equals(asset)).mapToLong(w -> w.balance().minor()).sum();
        long after = wallets.stream().filter(w -> w.asset().code().equals(asset))
            .mapToLong(w -> outcome.changed().getOrDefault(w.walletId(), locked.get(w.walletId())).balance().minor()).sum();
        assertEquals(before, after, "round " + round + " " + asset);
      }
      for (WalletSnapshot w : wallets) {
        WalletSnapshot end = outcome.changed().getOrDefault(w.walletId(), locked.get(w.walletId()));
        assertEquals(Money.ZERO, end.held(), "no reservation left behind");
        if (outcome.status() == OperationStatus.FAILED) {
          assertEquals(w.balance(), end.balance(), "a failed transaction moves nothing");
        }
      }
    }
    for (String expected : List.of("COMPLETED/null", "FAILED/INSUFFICIENT_FUNDS", "FAILED/ASSET_MISMATCH")) {
      assertTrue(outcomes.getOrDefault(expected, 0) > 20, "the rounds exercise " + expected + ": " + outcomes);
    }
  }
}
