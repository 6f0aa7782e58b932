package io.walletplatform.worker.domain;

import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.BalanceMonitor;
import io.walletplatform.common.wallet.BalanceMonitor.Field;
import io.walletplatform.common.wallet.BalanceMonitor.Operator;
import io.walletplatform.common.wallet.WalletSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The balance monitors' decision: one firing per crossing, re-armed when the condition turns false. */
class BalanceMonitorsTest {

  private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
  private static final UUID WALLET = UUID.randomUUID();

  private static WalletSnapshot wallet(long balance, long held, long version) {
    return new WalletSnapshot(WALLET, Money.ofMinor(balance), Money.ofMinor(held), version, NOW, NOW, Asset.USD,
        Money.ofMinor(10_000));
  }

  private static BalanceMonitor monitor(Field field, Operator operator, long value, boolean triggered) {
    return new BalanceMonitor(UUID.randomUUID(), WALLET, field, operator, Money.ofMinor(value), null, triggered, NOW);
  }

  @Test
  void everyOperatorAtAndAroundItsValue() {
    long[][] expected = {
        // balance 99, 100, 101 against 100: lt, lte, gt, gte
        {1, 0, 0}, {1, 1, 0}, {0, 0, 1}, {0, 1, 1}};
    Operator[] operators = {Operator.LT, Operator.LTE, Operator.GT, Operator.GTE};
    for (int o = 0; o < operators.length; o++) {
      for (int b = 0; b < 3; b++) {
        BalanceMonitor monitor = monitor(Field.BALANCE, operators[o], 100, false);
        assertEquals(expected[o][b] == 1, monitor.metBy(wallet(99 + b, 0, 1)), operators[o] + " at " + (99 + b));
      }
    }
    // available is the balance minus what holds keep, and may be negative on credit.
    assertTrue(monitor(Field.AVAILABLE, Operator.LT, 0, false).metBy(wallet(100, 150, 1)));
    assertFalse(monitor(Field.BALANCE, Operator.LT, 0, false).metBy(wallet(100, 150, 1)));
  }

  @Test
  void aMonitorFiresOncePerCrossingAndRearmsWhenTheConditionTurnsFalse() {
    BalanceMonitor low = monitor(Field.BALANCE, Operator.LT, 5_000, false);
    long[] balances = {6_000, 4_000, 3_000, 2_000, 7_000, 4_999, 5_000, 100};
    boolean[] fires = {false, true, false, false, false, true, false, true};
    BalanceMonitor current = low;
    for (int i = 0; i < balances.length; i++) {
      BalanceMonitors.Crossings crossings = BalanceMonitors.decide(List.of(current),
          Map.of(WALLET, wallet(balances[i], 0, i + 2)));
      assertEquals(fires[i] ? 1 : 0, crossings.fired().size(), "balance " + balances[i]);
      if (!crossings.flipped().isEmpty()) {
        current = crossings.flipped().get(0);
      }
      assertEquals(balances[i] < 5_000, current.triggered(), "balance " + balances[i]);
    }
  }

  @Test
  void randomWalksFireExactlyAtTheFalseToTrueTransitions() {
    Random random = new Random(42);
    for (int run = 0; run < 200; run++) {
      Field field = random.nextBoolean() ? Field.BALANCE : Field.AVAILABLE;
      Operator operator = Operator.values()[random.nextInt(4)];
      long value = random.nextInt(2_001) - 1_000;
      List<BalanceMonitor> monitors = new ArrayList<>(List.of(monitor(field, operator, value, false)));
      boolean previous = false;
      int fired = 0;
      int transitions = 0;
      for (int step = 0; step < 50; step++) {
        WalletSnapshot after = wallet(random.nextInt(4_001) - 2_000, random.nextInt(1_000), step + 2);
        BalanceMonitors.Crossings crossings = BalanceMonitors.decide(monitors, Map.of(WALLET, after));
        fired += crossings.fired().size();
        boolean met = monitors.get(0).metBy(after);
        if (met && !previous) {
          transitions++;
        }
        previous = met;
        if (!crossings.flipped().isEmpty()) {
          monitors.set(0, crossings.flipped().get(0));
        }
        assertEquals(met, monitors.get(0).triggered());
      }
      assertEquals(transitions, fired, field + " " + operator + " " + value);
    }
  }

  @Test
  void aWalletTheBatchDidNotChangeIsNotEvaluated() {
    BalanceMonitor other = new BalanceMonitor(UUID.randomUUID(), UUID.randomUUID(), Field.BALANCE, Operator.GTE,
        Money.ZERO, null, false, NOW);
    BalanceMonitors.Crossings crossings = BalanceMonitors.decide(List.of(other), Map.of(WALLET, wallet(1, 0, 2)));
    assertTrue(crossings.flipped().isEmpty());
  }
}
