package io.walletplatform.payments.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.SqlStates;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;
import io.walletplatform.payments.db.AccountRepository;
import io.walletplatform.payments.db.AccountRepository.TransactionPage;

import java.util.UUID;

/** Account use cases; each write is one transaction, and every balance change leaves a transaction row. */
public final class AccountsService {

  private final Pool pool;
  private final AccountRepository repository;

  public AccountsService(Pool pool, AccountRepository repository) {
    this.pool = pool;
    this.repository = repository;
  }

  public Future<Account> open(UUID userId, Money initialBalance, String requestedBy,
                              io.vertx.core.json.JsonObject metadata) {
    return pool.withTransaction(tx -> repository.insert(tx, userId, initialBalance, metadata).compose(account -> {
          if (!initialBalance.isPositive()) {
            return Future.succeededFuture(account);
          }
          AccountTransaction opening = new AccountTransaction(UUID.randomUUID(), AccountTransaction.DEPOSIT,
              initialBalance, null, account.balance(), requestedBy, Timestamps.now());
          return repository.insertTransaction(tx, userId, opening).map(account);
        }))
        .recover(error -> Future.failedFuture(SqlStates.isUniqueViolation(error)
            ? DomainError.conflict("ACCOUNT_ALREADY_EXISTS", "user " + userId + " already has an account")
            : error));
  }

  public Future<Account> get(UUID userId) {
    return repository.find(pool, userId).compose(account -> account == null
        ? Future.failedFuture(accountNotFound(userId))
        : Future.succeededFuture(account));
  }

  /**
   * Credits the account; with an Idempotency-Key ({@code claim}, else null; keys are scoped per
   * requester: an admin's key and the account owner's same key are two deposits) the 200 answer, the
   * account after the deposit, is stored in the deposit's own transaction: one deposit per key.
   */
  public Future<Account> deposit(UUID userId, Money amount, String requestedBy, Claim claim) {
    return pool.withTransaction(tx ->
        repository.credit(tx, userId, amount).compose(account -> {
          if (account == null) {
            return Future.failedFuture(accountNotFound(userId));
          }
          AccountTransaction deposit = new AccountTransaction(UUID.randomUUID(), AccountTransaction.DEPOSIT, amount,
              null, account.balance(), requestedBy, Timestamps.now());
          return repository.insertTransaction(tx, userId, deposit)
              .compose(inserted -> claim == null ? Future.succeededFuture(account)
                  : claim.record(tx, 200, java.util.Map.of(), account.toJson()).map(account));
        }));
  }

  public Future<TransactionPage> transactions(UUID userId, Long beforeId, int limit,
                                             AccountRepository.TransactionFilter filter) {
    return get(userId).compose(account -> repository.listTransactions(pool, userId, beforeId, limit, filter));
  }

  public static DomainError accountNotFound(UUID userId) {
    return DomainError.notFound("ACCOUNT_NOT_FOUND", "user " + userId + " has no account");
  }
}
