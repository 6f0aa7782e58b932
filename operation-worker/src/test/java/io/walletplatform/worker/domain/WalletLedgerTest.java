package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.wallet.WalletSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ledger's decisions within one batch, on wallets and holds as they were locked. */
class WalletLedgerTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private long offset;

  private static final Asset EUR = new Asset("EUR", 2);

  private static WalletSnapshot wallet(long balance, long held) {
    return wallet(balance, held, Asset.USD, 0);
  }

  private static WalletSnapshot wallet(long balance, long held, Asset asset, long creditLimit) {
    return new WalletSnapshot(UUID.randomUUID(), Money.ofMinor(balance), Money.ofMinor(held), 5, NOW, NOW, asset,
        Money.ofMinor(creditLimit));
  }

  private static List<String> outcomes(WalletLedger.Decision decision) {
    return decision.applied().stream().map(applied -> applied.status() + "/" + applied.failureReason()).toList();
  }

  @Test
  void aCreditLimitLetsTheBalanceGoDownToMinusTheLimitHoldsIncludedAndNoFurther() {
    WalletSnapshot wallet = wallet(10_00, 0, Asset.USD, 50_00);
    UUID holdId = UUID.randomUUID();
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(UUID.randomUUID(), wallet.walletId(), OperationType.WITHDRAW, 40_00, null, null, false),
            op(holdId, wallet.walletId(), OperationType.HOLD, 20_00, null, null, false),
            op(UUID.randomUUID(), wallet.walletId(), OperationType.WITHDRAW, 1, null, null, false),
            op(UUID.randomUUID(), wallet.walletId(), OperationType.VOID, 0, null, holdId, false),
            op(UUID.randomUUID(), wallet.walletId(), OperationType.WITHDRAW, 20_00, null, null, false)),
        locked(wallet), Map.of(), Map.of(), NOW);
    assertEquals(List.of("COMPLETED/null", "COMPLETED/null", "FAILED/CREDIT_LIMIT_EXCEEDED", "COMPLETED/null",
        "COMPLETED/null"), outcomes(decision), "the hold took the last 20.00 of the limit until it was voided");
    WalletSnapshot after = decision.changedWallets().get(wallet.walletId());
    assertEquals(Money.ofMinor(-50_00), after.balance());
    assertEquals(Money.ZERO, after.spendable());
    assertEquals(Money.ofMinor(-50_00), after.available());
  }

  @Test
  void aWalletWithoutACreditLimitStillFailsWithInsufficientFunds() {
    WalletSnapshot wallet = wallet(10_00, 0);
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(UUID.randomUUID(), wallet.walletId(), OperationType.WITHDRAW, 10_01, null, null, false)),
        locked(wallet), Map.of(), Map.of(), NOW);
    assertEquals(List.of("FAILED/INSUFFICIENT_FUNDS"), outcomes(decision));
  }

  @Test
  void aTransferBetweenTwoAssetsMovesNothing() {
    WalletSnapshot usd = wallet(100_00, 0);
    WalletSnapshot eur = wallet(0, 0, EUR, 0);
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(UUID.randomUUID(), usd.walletId(), OperationType.TRANSFER, 10_00, eur.walletId(), null, false)),
        locked(usd, eur), Map.of(), Map.of(), NOW);
    assertEquals(List.of("FAILED/ASSET_MISMATCH"), outcomes(decision));
    assertEquals(Map.of(), decision.changedWallets());
  }

  @Test
  void aSnapshotBelowItsCreditLimitIsABug() {
    assertThrows(IllegalStateException.class, () -> wallet(-10_01, 0, Asset.USD, 10_00));
    assertThrows(IllegalStateException.class, () -> wallet(-10_00, 1, Asset.USD, 10_00), "holds included");
    assertThrows(IllegalStateException.class, () -> wallet(-1, 0));
  }

  /**
   * Random batches over wallets of two assets, some with credit limits: whatever the batch decides,
   * per asset the balances move only by what DEPOSITs brought in and WITHDRAWs and CAPTUREs took
   * out (a FAILED one counted as moving nothing), and no wallet ends below minus its credit limit,
   * holds included.
   */
  @Test
  void randomBatchesConserveEachAssetAndKeepEveryWalletAboveItsFloor() {
    java.util.Random random = new java.util.Random(31);
    OperationType[] types = {OperationType.DEPOSIT, OperationType.WITHDRAW, OperationType.TRANSFER, OperationType.HOLD,
        OperationType.CAPTURE, OperationType.VOID};
    for (int round = 0; round < 300; round++) {
      List<WalletSnapshot> wallets = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        wallets.add(wallet(random.nextInt(100_00), 0, i % 2 == 0 ? Asset.USD : EUR,
            random.nextBoolean() ? random.nextInt(50_00) : 0));
      }
      List<UUID> holds = new ArrayList<>();
      List<PendingOperation> batch = new ArrayList<>();
      Map<String, Long> external = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        WalletSnapshot from = wallets.get(random.nextInt(wallets.size()));
        WalletSnapshot to = wallets.get(random.nextInt(wallets.size()));
        OperationType type = types[random.nextInt(types.length)];
        long amount = 1 + random.nextInt(60_00);
        UUID id = UUID.randomUUID();
        UUID holdId = holds.isEmpty() ? UUID.randomUUID() : holds.get(random.nextInt(holds.size()));
        if (type == OperationType.TRANSFER && to == from) {
          continue;
        }
        if (type == OperationType.HOLD) {
          holds.add(id);
        }
        batch.add(op(id, from.walletId(), type, type == OperationType.VOID ? 0 : amount,
            type == OperationType.TRANSFER ? to.walletId() : null, type.settlesHold() ? holdId : null, false));
      }
      WalletLedger.Decision decision = WalletLedger.decide(batch, locked(wallets.toArray(WalletSnapshot[]::new)),
          Map.of(), Map.of(), NOW);
      Map<UUID, WalletSnapshot> byId = locked(wallets.toArray(WalletSnapshot[]::new));
      for (AppliedOperation applied : decision.applied()) {
        WalletOperationEvent event = applied.pending().event();
        String asset = byId.get(event.walletId()).asset().code();
        if (applied.status() == OperationStatus.FAILED) {
          continue;
        }
        long signed = switch (event.operationType()) {
          case DEPOSIT -> applied.amount().minor();
          case WITHDRAW, CAPTURE -> -applied.amount().minor();
          default -> 0;
        };
        external.merge(asset, signed, Long::sum);
      }
      for (String asset : List.of("USD", "EUR")) {
        long before = wallets.stream().filter(w -> w.asset().code().equals(asset)).mapToLong(w -> w.balance().minor()).sum();
        long after = wallets.stream().filter(w -> w.asset().code().equals(asset))
            .mapToLong(w -> decision.changedWallets().getOrDefault(w.walletId(), w).balance().minor()).sum();
        assertEquals(before + external.getOrDefault(asset, 0L), after, "round " + round + ", " + asset);
      }
      for (WalletSnapshot w : decision.changedWallets().values()) {
        assertEquals(true, w.spendable().minor() >= 0, "round " + round + ": " + w);
      }
    }
  }

  private PendingOperation op(UUID operationId, UUID walletId, OperationType type, long amount, UUID toWalletId,
                              UUID holdId, boolean expiry) {
    return new PendingOperation(new WalletOperationEvent(operationId, walletId, type, Money.ofMinor(amount), NOW,
        "test", toWalletId, holdId, type == OperationType.HOLD ? NOW.plusSeconds(60) : null, expiry, null), 0, offset++);
  }

  private static Map<UUID, WalletSnapshot> locked(WalletSnapshot... wallets) {
    Map<UUID, WalletSnapshot> map = new HashMap<>();
    for (WalletSnapshot wallet : wallets) {
      map.put(wallet.walletId(), wallet);
    }
    return map;
  }

  @Test
  void aHoldCapturedInTheSameBatchIsInsertedSettledAndReleasesTheRest() {
    WalletSnapshot wallet = wallet(100_00, 0);
    UUID holdId = UUID.randomUUID();
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(holdId, wallet.walletId(), OperationType.HOLD, 40_00, null, null, false),
            op(UUID.randomUUID(), wallet.walletId(), OperationType.CAPTURE, 30_00, null, holdId, false)),
        locked(wallet), Map.of(), Map.of(), NOW);
    WalletSnapshot after = decision.changedWallets().get(wallet.walletId());
    assertEquals(Money.ofMinor(70_00), after.balance());
    assertEquals(Money.ZERO, after.held());
    assertEquals(7, after.version(), "one version per change");
    assertEquals(1, decision.holds().size());
    assertEquals(HoldStatus.CAPTURED, decision.holds().get(0).status());
    assertEquals(false, decision.holds().get(0).stored());
    assertEquals(List.of(Money.ofMinor(100_00), Money.ofMinor(70_00)),
        decision.applied().stream().map(AppliedOperation::balanceAfter).toList());
  }

  @Test
  void aTransferCreditsADestinationThatSpendsItLaterInTheBatch() {
    WalletSnapshot a = wallet(50_00, 0);
    WalletSnapshot b = wallet(20_00, 10_00);
    WalletSnapshot c = wallet(0, 0);
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(UUID.randomUUID(), a.walletId(), OperationType.TRANSFER, 50_00, b.walletId(), null, false),
            op(UUID.randomUUID(), b.walletId(), OperationType.TRANSFER, 60_00, c.walletId(), null, false),
            op(UUID.randomUUID(), b.walletId(), OperationType.TRANSFER, 1, c.walletId(), null, false)),
        locked(a, b, c), Map.of(), Map.of(), NOW);
    List<String> outcomes = new ArrayList<>();
    decision.applied().forEach(applied -> outcomes.add(applied.status() + "/" + applied.failureReason()));
    assertEquals(List.of("COMPLETED/null", "COMPLETED/null", "FAILED/INSUFFICIENT_FUNDS"), outcomes,
        "b's 10.00 held stays: available was 60.00");
    assertEquals(Money.ZERO, decision.changedWallets().get(a.walletId()).balance());
    assertEquals(Money.ofMinor(10_00), decision.changedWallets().get(b.walletId()).balance());
    assertEquals(Money.ofMinor(60_00), decision.changedWallets().get(c.walletId()).balance());
    assertEquals(Money.ofMinor(70_00), decision.applied().get(0).toAfter().balance(), "b right after the credit");
  }

  @Test
  void aVoidRetriedIsADuplicateWhateverAmountItsRowRecorded() {
    WalletSnapshot wallet = wallet(100_00, 40_00);
    UUID holdId = UUID.randomUUID();
    UUID voidId = UUID.randomUUID();
    Map<UUID, Fingerprint> applied = Map.of(voidId, Fingerprint.of(wallet.walletId(),
        OperationType.VOID, Money.ofMinor(40_00), null, holdId, null));
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
        op(voidId, wallet.walletId(), OperationType.VOID, 0, null, holdId, false)), locked(wallet), applied, Map.of(),
        NOW);
    assertEquals(1, decision.duplicates());
    assertEquals(0, decision.reuses().size());
  }

  @Test
  void anOperationIdAppliedWithOtherMetadataIsAReuseAndTheSameMetadataADuplicate() {
    WalletSnapshot wallet = wallet(100_00, 0);
    UUID operationId = UUID.randomUUID();
    io.vertx.core.json.JsonObject metadata = new io.vertx.core.json.JsonObject().put("invoice", "INV-1");
    Map<UUID, Fingerprint> applied = Map.of(operationId, Fingerprint.of(wallet.walletId(),
        OperationType.WITHDRAW, Money.ofMinor(5_00), null, null, metadata));
    for (io.vertx.core.json.JsonObject again : new io.vertx.core.json.JsonObject[] {metadata.copy(),
        new io.vertx.core.json.JsonObject().put("invoice", "INV-2"), null}) {
      PendingOperation retry = new PendingOperation(new WalletOperationEvent(operationId, wallet.walletId(),
          OperationType.WITHDRAW, Money.ofMinor(5_00), NOW, "test", null, null, null, false, again), 0, offset++);
      WalletLedger.Decision decision = WalletLedger.decide(List.of(retry), locked(wallet), applied, Map.of(), NOW);
      boolean same = metadata.equals(again);
      assertEquals(same ? 1 : 0, decision.duplicates(), String.valueOf(again));
      assertEquals(same ? 0 : 1, decision.reuses().size(), String.valueOf(again));
      assertEquals(0, decision.changedWallets().size(), "nothing moves either way");
    }
  }

  @Test
  void onlyThePlatformsReleaseSettlesAHoldPastItsExpiry() {
    WalletSnapshot wallet = wallet(100_00, 40_00);
    UUID holdId = UUID.randomUUID();
    Hold stored = new Hold(holdId, wallet.walletId(), Money.ofMinor(40_00), HoldStatus.ACTIVE, NOW.minusSeconds(1),
        NOW.minusSeconds(60), null, true);
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(UUID.randomUUID(), wallet.walletId(), OperationType.CAPTURE, 1_00, null, holdId, false),
            op(UUID.randomUUID(), wallet.walletId(), OperationType.VOID, 0, null, holdId, true)),
        locked(wallet), Map.of(), Map.of(holdId, stored), NOW);
    assertEquals(FailureReason.HOLD_NOT_ACTIVE, decision.applied().get(0).failureReason());
    assertEquals(OperationStatus.COMPLETED, decision.applied().get(1).status());
    assertEquals(Money.ofMinor(40_00), decision.applied().get(1).amount(), "a VOID records what it released");
    assertEquals(HoldStatus.EXPIRED, decision.holds().get(0).status());
    assertEquals(Money.ZERO, decision.changedWallets().get(wallet.walletId()).held());
  }

  @Test
  void aBrokenInvariantIsNeverDecided() {
    // A stored hold larger than what the wallet holds can only come from a bug: releasing it would
    // take held below zero, and the ledger refuses to decide the batch at all.
    WalletSnapshot wallet = wallet(100_00, 10_00);
    UUID holdId = UUID.randomUUID();
    Hold corrupt = new Hold(holdId, wallet.walletId(), Money.ofMinor(40_00), HoldStatus.ACTIVE, NOW.plusSeconds(60), NOW,
        null, true);
    assertThrows(IllegalStateException.class, () -> WalletLedger.decide(List.of(
            op(UUID.randomUUID(), wallet.walletId(), OperationType.VOID, 0, null, holdId, false)),
        locked(wallet), Map.of(), Map.of(holdId, corrupt), NOW));
  }
}
