package io.walletplatform.worker.kafka;

import io.walletplatform.common.util.SingleFlight;
import io.walletplatform.worker.domain.InvariantViolation;
import io.walletplatform.common.wallet.OperationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.worker.OperationWorkerSettings;
import io.walletplatform.worker.db.LedgerRepository;
import io.walletplatform.worker.db.TransactionRepository;
import io.walletplatform.worker.db.TransactionRepository.Pending;
import io.walletplatform.worker.domain.BalanceMonitors;
import io.walletplatform.worker.domain.TransactionSettlement;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.worker.domain.TransactionSettlement.Outcome;
import io.walletplatform.worker.domain.WalletLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The coordinator of transactions, driven by their rows alone (a restart loses nothing: the table
 * is the truth, and every step is idempotent). Every tick it reads the oldest PENDING transactions;
 * for each it reads how the reservations of its debited wallets ended. Once all are decided it
 * settles the transaction in one PostgreSQL transaction: every wallet of it locked in id order (the
 * order of every batch of the worker too: no deadlock), the transaction's row locked (a second
 * coordinator finds it final and does nothing), the reservations captured and every posting
 * applied, or the reservations still ACTIVE released; then the wallets' cached balances are
 * refreshed. A reservation not applied after {@link #RESUBMIT_AFTER_MS} (wallet-api's send was lost,
 * or it crashed between the row and the send) is produced again; the worker applies it once.
 */
public final class TransactionCoordinatorVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(TransactionCoordinatorVerticle.class);
  private static final int SCAN_LIMIT = 200;
  static final long RESUBMIT_AFTER_MS = 5_000;
  /** Settlements in flight at once (each one database transaction: the pool must have this many connections). */
  static final int LANES = 4;
  private static final long SCAN_INTERVAL_MS = 100;

  private final OperationWorkerSettings settings;
  private final MeterRegistry registry;
  private final Map<UUID, Long> resubmitted = new HashMap<>();
  private Pool pool;
  private Redis redis;
  private WalletCache cache;
  private KafkaProducer<String, String> producer;
  private final LedgerRepository ledger = new LedgerRepository();
  private final TransactionRepository transactions = new TransactionRepository();
  private final BalanceMonitors monitors;
  private Counter completed;
  private Counter failed;
  private long timerId;
  /** One scan at a time; a tick during a scan brings one more after it. */
  private final SingleFlight scans = new SingleFlight(this::scan);

  private final Faults faults;

  public TransactionCoordinatorVerticle(OperationWorkerSettings settings, MeterRegistry registry, Faults faults,
                                        WebhookInterest interest) {
    this.monitors = new BalanceMonitors(ledger, interest, settings.events().topic());
    this.settings = settings;
    this.registry = registry;
    this.faults = faults;
  }

  @Override
  public Future<?> start() {
    completed = Counter.builder("wallet_transactions_settled").tag("status", OperationStatus.COMPLETED.name())
        .description("Transactions settled by the coordinator").register(registry);
    failed = Counter.builder("wallet_transactions_settled").tag("status", OperationStatus.FAILED.name())
        .description("Transactions settled by the coordinator").register(registry);
    pool = PgPools.create(vertx, settings.pg(), "transactions");
    redis = RedisClients.create(vertx, settings.redis());
    cache = new WalletCache(redis, settings.redis().keyPrefix(), settings.cacheTtl());
    producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(settings.kafka(), "transactions"));
    timerId = vertx.setPeriodic(SCAN_INTERVAL_MS, SCAN_INTERVAL_MS, id -> scans.wake());
    refreshRecentlySettled();
    return Future.succeededFuture();
  }

  /**
   * A coordinator killed between a settlement's commit and its cache refresh leaves those wallets'
   * cached balances behind, and nothing redelivers a settled transaction: at start, the wallets of
   * every transaction settled within the cache's lifetime are refreshed from PostgreSQL
   * (put-if-newer, so a newer entry is never replaced).
   */
  private void refreshRecentlySettled() {
    pool.withTransaction(tx -> transactions.recentlySettledWallets(tx, settings.cacheTtl().toMillis())
            .compose(walletIds -> walletIds.isEmpty() ? Future.succeededFuture(List.<WalletSnapshot>of())
                : ledger.lockWallets(tx, walletIds).map(locked -> new ArrayList<>(locked.wallets().values()))))
        .compose(wallets -> cache.putAll(wallets).map(wallets.size()))
        .onSuccess(count -> {
          if (count > 0) {
            log.info("refreshed the cached balances of {} wallets of recently settled transactions", count);
          }
        })
        .onFailure(error -> log.warn("refresh of recently settled transactions' wallets failed: {}", error.getMessage()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return scans.stop().eventually(() -> Future.join(producer.close(), pool.close(), redis.close()));
  }

  /** One pass over the oldest PENDING transactions (settled {@link #LANES} at a time), through {@link #scans}. */
  private Future<Boolean> scan() {
    long now = System.currentTimeMillis();
    resubmitted.values().removeIf(at -> now - at > RESUBMIT_AFTER_MS);
    return transactions.pending(pool, SCAN_LIMIT)
        .compose(pending -> {
          if (pending.isEmpty()) {
            return Future.succeededFuture();
          }
          // How every reservation of the scan ended, in one statement.
          List<UUID> reservationIds = new ArrayList<>();
          pending.forEach(transaction -> Postings.debits(transaction.postings()).keySet().forEach(walletId ->
              reservationIds.add(Postings.reservationId(transaction.transactionId(), walletId))));
          return transactions.reservations(pool, reservationIds).compose(decided -> advanceAll(pending, decided, now));
        })
        .map(false)
        .onFailure(error -> log.warn("transaction scan failed, retrying at the next tick: {}", error.getMessage()));
  }

  /**
   * Settles, or produces again the reservations of, each transaction of the scan: {@link #LANES} at a
   * time, each lane taking every LANES-th transaction in turn. Two settlements at once cannot deadlock:
   * each locks its wallets in id order (as every worker batch does), then its own row.
   */
  private Future<Void> advanceAll(List<Pending> pending, Map<UUID, TransactionSettlement.Reservation> decided, long now) {
    List<Future<Void>> lanes = new ArrayList<>(LANES);
    for (int lane = 0; lane < Math.min(LANES, pending.size()); lane++) {
      Future<Void> chain = Future.succeededFuture();
      for (int i = lane; i < pending.size(); i += LANES) {
        Pending transaction = pending.get(i);
        chain = chain.compose(ignored -> advance(transaction, decided, now).otherwise(error -> {
          log.warn("transaction {} not advanced, retrying at the next tick: {}", transaction.transactionId(),
              error.getMessage());
          return null;
        }));
      }
      lanes.add(chain);
    }
    return Future.join(lanes).mapEmpty();
  }

  /** @param decided how the reservations of the scan ended, by reservation (operation) id */
  private Future<Void> advance(Pending transaction, Map<UUID, TransactionSettlement.Reservation> decided, long now) {
    Map<UUID, Money> debits = Postings.debits(transaction.postings());
    Map<UUID, TransactionSettlement.Reservation> mine = new HashMap<>();
    debits.keySet().forEach(walletId -> {
      TransactionSettlement.Reservation reservation = decided.get(Postings.reservationId(transaction.transactionId(),
          walletId));
      if (reservation != null) {
        mine.put(walletId, reservation);
      }
    });
    if (mine.size() == debits.size()) {
      return settle(transaction, mine);
    }
    if (now - transaction.acceptedAt().toEpochMilli() > RESUBMIT_AFTER_MS
        && !resubmitted.containsKey(transaction.transactionId())) {
      return resubmit(transaction, debits, mine.keySet());
    }
    return Future.succeededFuture();
  }

  /** Produces the reservations not applied yet again: the worker applies an operationId once. */
  private Future<Void> resubmit(Pending transaction, Map<UUID, Money> debits, Set<UUID> decided) {
    List<Future<?>> sends = new ArrayList<>();
    debits.forEach((walletId, amount) -> {
      if (decided.contains(walletId)) {
        return;
      }
      WalletOperationEvent event = Postings.reservation(transaction.transactionId(), walletId, amount,
          transaction.acceptedAt(), transaction.requestedBy());
      sends.add(producer.send(event.record(settings.operationsTopic())));
    });
    return Future.all(sends).onSuccess(ignored -> {
      resubmitted.put(transaction.transactionId(), System.currentTimeMillis());
      log.info("transaction {}: {} reservation(s) produced again", transaction.transactionId(), sends.size());
    }).mapEmpty();
  }

  private Future<Void> settle(Pending transaction, Map<UUID, TransactionSettlement.Reservation> decided) {
    UUID transactionId = transaction.transactionId();
    Set<UUID> walletIds = new LinkedHashSet<>();
    for (Posting posting : transaction.postings()) {
      walletIds.add(posting.from());
      walletIds.add(posting.to());
    }
    List<UUID> reservationIds = new ArrayList<>();
    decided.keySet().forEach(walletId -> reservationIds.add(Postings.reservationId(transactionId, walletId)));
    return pool.withTransaction(tx -> ledger.lockWallets(tx, walletIds)
            .compose(locked -> transactions.lockPending(tx, transactionId).compose(pendingStill -> {
              if (!pendingStill) {
                return Future.succeededFuture((Outcome) null);
              }
              return ledger.findHolds(tx, reservationIds).compose(holds -> {
                Outcome outcome;
                try {
                  outcome = TransactionSettlement.settle(transactionId, transaction.postings(), locked.wallets(),
                      decided, holds);
                } catch (IllegalStateException broken) {
                  log.error("INVARIANT VIOLATED, transaction {} is not settled: {}", transactionId, broken.getMessage());
                  return Future.failedFuture(broken);
                }
                return ledger.writeHolds(tx, outcome.holds())
                    .compose(ignored -> ledger.updateWallets(tx, outcome.changed().values()))
                    .compose(ignored -> monitors.evaluate(tx, locked.monitored(), locked.owners(),
                        outcome.changed().values()))
                    .compose(ignored -> transactions.insertPostings(tx, transaction, outcome.postings()))
                    .compose(ignored -> ledger.walletsWithUnbalancedHolds(tx, outcome.changed().keySet()))
                    .compose(unbalanced -> unbalanced.isEmpty() ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new InvariantViolation("held is not the sum of the ACTIVE "
                            + "holds of wallets " + unbalanced)))
                    .compose(ignored -> transactions.finish(tx, transactionId, outcome.status(),
                        outcome.failureReason(), outcome.failedWallet()))
                    .compose(ignored -> faults.reach("coordinator.before-commit"))
                    .map(outcome);
              });
            })))
        .compose(outcome -> {
          if (outcome == null) {
            return Future.succeededFuture();
          }
          (outcome.status() == OperationStatus.COMPLETED ? completed : failed).increment();
          return faults.reach("coordinator.after-commit").map(outcome);
        })
        .compose(outcome -> {
          if (outcome == null) {
            return Future.succeededFuture();
          }
          List<WalletSnapshot> changed = new ArrayList<>(outcome.changed().values());
          // The commit stands whatever Redis does: a refresh it refuses is only a stale read until the entry expires
          // or the wallet's next batch refreshes it.
          return cache.putAll(changed).otherwise(error -> {
            log.warn("transaction {} settled; cache refresh failed: {}", transactionId, error.getMessage());
            return null;
          });
        });
  }
}
