package io.walletplatform.payments.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.SqlStates;
import io.walletplatform.common.http.ProblemException;
import io.walletplatform.common.idempotency.IdempotentRequests;
import io.walletplatform.common.idempotency.IdempotentRequests.StoredResponse;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;
import io.walletplatform.payments.db.AccountRepository;
import io.walletplatform.payments.db.AccountRepository.TransactionPage;

import java.util.UUID;

/** Account use cases; each write is one transaction, and every balance change leaves a transaction row. */
public final class AccountsService {

  private final Pool pool;
  private final AccountRepository repository;
  private final IdempotentRequests idempotency;

  public AccountsService(Pool pool, AccountRepository repository) {
    this.pool = pool;
    this.repository = repository;
    this.idempotency = new IdempotentRequests(pool);
  }

  public Future<Account> open(UUID userId, Money initialBalance, String requestedBy) {
    return pool.withTransaction(tx -> repository.insert(tx, userId, initialBalance).compose(account -> {
          if (!initialBalance.isPositive()) {
            return Future.succeededFuture(account);
          }
          AccountTransaction opening = new AccountTransaction(UUID.randomUUID(), AccountTransaction.DEPOSIT,
              initialBalance, null, account.balance(), requestedBy, Timestamps.now());
          return repository.insertTransaction(tx, userId, opening).map(account);
        }))
        .recover(error -> Future.failedFuture(SqlStates.isUniqueViolation(error)
            ? ProblemException.conflict("ACCOUNT_ALREADY_EXISTS", "user " + userId + " already has an account")
            : error));
  }

  public Future<Account> get(UUID userId) {
    return repository.find(pool, userId).compose(account -> account == null
        ? Future.failedFuture(accountNotFound(userId))
        : Future.succeededFuture(account));
  }

  /**
   * Credits the account once per Idempotency-Key of its requester (keys are scoped per requester,
   * as orders' are: an admin's key and the account owner's same key are two deposits); answers 200
   * with the account after the deposit.
   */
  public Future<StoredResponse> deposit(UUID userId, Money amount, String idempotencyKey, String fingerprint,
                                        String requestedBy) {
    return idempotency.execute("deposit:" + requestedBy, idempotencyKey, fingerprint, tx ->
        repository.credit(tx, userId, amount).compose(account -> {
          if (account == null) {
            return Future.failedFuture(accountNotFound(userId));
          }
          AccountTransaction deposit = new AccountTransaction(UUID.randomUUID(), AccountTransaction.DEPOSIT, amount,
              null, account.balance(), requestedBy, Timestamps.now());
          return repository.insertTransaction(tx, userId, deposit)
              .map(new StoredResponse(200, account.toJson().encode()));
        }));
  }

  public Future<TransactionPage> transactions(UUID userId, Long beforeId, int limit) {
    return get(userId).compose(account -> repository.listTransactions(pool, userId, beforeId, limit));
  }

  public static ProblemException accountNotFound(UUID userId) {
    return ProblemException.notFound("ACCOUNT_NOT_FOUND", "user " + userId + " has no account");
  }
}
