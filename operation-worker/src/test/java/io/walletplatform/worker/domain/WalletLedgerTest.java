package io.walletplatform.worker.domain;

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

  private static WalletSnapshot wallet(long balance, long held) {
    return new WalletSnapshot(UUID.randomUUID(), Money.ofMinor(balance), Money.ofMinor(held), 5, NOW, NOW);
  }

  private PendingOperation op(UUID operationId, UUID walletId, OperationType type, long amount, UUID toWalletId,
                              UUID holdId, boolean expiry) {
    return new PendingOperation(new WalletOperationEvent(operationId, walletId, type, Money.ofMinor(amount), NOW,
        "test", toWalletId, holdId, type == OperationType.HOLD ? NOW.plusSeconds(60) : null, expiry), 0, offset++);
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
    assertEquals(Hold.CAPTURED, decision.holds().get(0).status());
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
    Map<UUID, WalletLedger.Fingerprint> applied = Map.of(voidId, WalletLedger.Fingerprint.of(wallet.walletId(),
        OperationType.VOID, Money.ofMinor(40_00), null, holdId));
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
        op(voidId, wallet.walletId(), OperationType.VOID, 0, null, holdId, false)), locked(wallet), applied, Map.of(),
        NOW);
    assertEquals(1, decision.duplicates());
    assertEquals(0, decision.reuses().size());
  }

  @Test
  void onlyThePlatformsReleaseSettlesAHoldPastItsExpiry() {
    WalletSnapshot wallet = wallet(100_00, 40_00);
    UUID holdId = UUID.randomUUID();
    Hold stored = new Hold(holdId, wallet.walletId(), Money.ofMinor(40_00), Hold.ACTIVE, NOW.minusSeconds(1),
        NOW.minusSeconds(60), null, true);
    WalletLedger.Decision decision = WalletLedger.decide(List.of(
            op(UUID.randomUUID(), wallet.walletId(), OperationType.CAPTURE, 1_00, null, holdId, false),
            op(UUID.randomUUID(), wallet.walletId(), OperationType.VOID, 0, null, holdId, true)),
        locked(wallet), Map.of(), Map.of(holdId, stored), NOW);
    assertEquals("HOLD_NOT_ACTIVE", decision.applied().get(0).failureReason());
    assertEquals("COMPLETED", decision.applied().get(1).status());
    assertEquals(Money.ofMinor(40_00), decision.applied().get(1).amount(), "a VOID records what it released");
    assertEquals(Hold.EXPIRED, decision.holds().get(0).status());
    assertEquals(Money.ZERO, decision.changedWallets().get(wallet.walletId()).held());
  }

  @Test
  void aBrokenInvariantIsNeverDecided() {
    // A stored hold larger than what the wallet holds can only come from a bug: releasing it would
    // take held below zero, and the ledger refuses to decide the batch at all.
    WalletSnapshot wallet = wallet(100_00, 10_00);
    UUID holdId = UUID.randomUUID();
    Hold corrupt = new Hold(holdId, wallet.walletId(), Money.ofMinor(40_00), Hold.ACTIVE, NOW.plusSeconds(60), NOW,
        null, true);
    assertThrows(IllegalStateException.class, () -> WalletLedger.decide(List.of(
            op(UUID.randomUUID(), wallet.walletId(), OperationType.VOID, 0, null, holdId, false)),
        locked(wallet), Map.of(), Map.of(holdId, corrupt), NOW));
  }
}
