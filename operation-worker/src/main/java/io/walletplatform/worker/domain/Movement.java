package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletSnapshot;

import java.util.UUID;

/**
 * The one rule that decides whether money may move between wallets, and how they look after it.
 * A DEPOSIT is a credit from outside, a WITHDRAW a debit to outside, a TRANSFER one posting, a
 * transaction N postings ({@link TransactionSettlement}), a HOLD a reservation: every one of them is
 * decided here, so a posting of a transaction and a TRANSFER cannot disagree on what a wallet may
 * spend, which assets may meet, or where a balance stops.
 *
 * <ul>
 *   <li>a debit needs what the wallet may spend ({@code balance - held + creditLimit}), else
 *       INSUFFICIENT_FUNDS (CREDIT_LIMIT_EXCEEDED for a wallet with a credit limit);</li>
 *   <li>a posting's two wallets hold its asset, else ASSET_MISMATCH naming the destination;</li>
 *   <li>a credit past what a {@code bigint} of minor units holds is BALANCE_LIMIT;</li>
 *   <li>a destination that does not exist is WALLET_NOT_FOUND.</li>
 * </ul>
 */
public final class Movement {

  /**
   * What a move decided: the debited and the credited wallet after it (either is {@code null} when the
   * move has no such side), or why it cannot happen and the wallet that reason names.
   */
  public record Result(WalletSnapshot debited, WalletSnapshot credited, FailureReason failure, UUID failedWallet) {
    public boolean ok() {
      return failure == null;
    }

    static Result refused(FailureReason reason, UUID walletId) {
      return new Result(null, null, reason, walletId);
    }
  }

  private Movement() {
  }

  /** Money from outside (a DEPOSIT). */
  public static Result credit(WalletSnapshot to, Money amount) {
    Money balance = plus(to.balance(), amount);
    return balance == null ? Result.refused(FailureReason.BALANCE_LIMIT, to.walletId())
        : new Result(null, to.next(balance, to.held()), null, null);
  }

  /** Money to outside (a WITHDRAW). */
  public static Result debit(WalletSnapshot from, Money amount) {
    return amount.compareTo(from.spendable()) > 0 ? Result.refused(shortOfFunds(from), from.walletId())
        : new Result(from.next(from.balance().minus(amount), from.held()), null, null, null);
  }

  /** Money set aside on the wallet (a HOLD, a transaction's reservation): it may no longer be spent. */
  public static Result reserve(WalletSnapshot from, Money amount) {
    return amount.compareTo(from.spendable()) > 0 ? Result.refused(shortOfFunds(from), from.walletId())
        : new Result(from.next(from.balance(), from.held().plus(amount)), null, null, null);
  }

  /**
   * Money set aside is given back to what the wallet may spend (a VOID, an expiry, a transaction's
   * reservation settled); a CAPTURE then pays what it takes out of it, with no further check: the hold
   * already decided the wallet could.
   */
  public static WalletSnapshot release(WalletSnapshot wallet, Money reserved, Money captured) {
    return wallet.next(wallet.balance().minus(captured), wallet.held().minus(reserved));
  }

  /**
   * One posting (a TRANSFER, or one of a transaction's): {@code from} pays {@code amount} of
   * {@code asset} to {@code to}.
   *
   * @param to      {@code null} when the destination does not exist
   * @param toId    the destination's id, named when it does not exist
   * @param asset   the posting's asset, or {@code null} for the source's (a TRANSFER names none)
   */
  public static Result transfer(WalletSnapshot from, WalletSnapshot to, UUID toId, Asset asset, Money amount) {
    if (to == null) {
      return Result.refused(FailureReason.WALLET_NOT_FOUND, toId);
    }
    String code = asset == null ? from.asset().code() : asset.code();
    if (!from.asset().code().equals(code) || !to.asset().code().equals(code)) {
      return Result.refused(FailureReason.ASSET_MISMATCH, to.walletId());
    }
    Result debited = debit(from, amount);
    if (!debited.ok()) {
      return debited;
    }
    // A wallet paying itself is credited as the debit left it.
    WalletSnapshot destination = to.walletId().equals(from.walletId()) ? debited.debited() : to;
    Result credited = credit(destination, amount);
    return credited.ok() ? new Result(debited.debited(), credited.credited(), null, null) : credited;
  }

  /** Why a debit beyond what the wallet may spend fails: it has no credit, or it would pass its limit. */
  static FailureReason shortOfFunds(WalletSnapshot wallet) {
    return wallet.creditLimit().isPositive() ? FailureReason.CREDIT_LIMIT_EXCEEDED : FailureReason.INSUFFICIENT_FUNDS;
  }

  /** The sum, or {@code null} past what a {@code bigint} holds. */
  private static Money plus(Money balance, Money amount) {
    try {
      return balance.plus(amount);
    } catch (ArithmeticException overflow) {
      return null;
    }
  }
}
