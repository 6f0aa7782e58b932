package io.walletplatform.wallet.domain;

import io.walletplatform.common.kafka.EventLoopProducer;
import io.walletplatform.common.wallet.OperationStatus;
import io.walletplatform.common.util.LruMap;

import io.walletplatform.common.wallet.OperationView;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.db.SqlStates;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.wallet.db.WalletRepository;
import io.walletplatform.wallet.db.WalletRepository.OperationPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.walletplatform.common.money.Asset;
import io.walletplatform.wallet.kafka.ApplyLag;
import io.walletplatform.wallet.redis.OperationGuard;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.util.UUID;

/**
 * Wallet use cases, each for a principal: a wallet belongs to the principal that created it, and to
 * every other principal except {@code admin} it does not exist (the same 404 as an unknown id).
 * Accepting an operation writes nothing to PostgreSQL: it checks the wallet's owner (cached in this
 * process: an owner never changes), claims the operationId in Redis, produces the operation to Kafka keyed
 * by wallet id and answers only after the broker acknowledged it. operation-worker applies it.
 * With Redis unavailable it still accepts, without the claim: the idempotency window's replays and
 * 422s need Redis, but at-most-once never did (the worker skips an operationId it applied, and
 * records a reuse with other content as FAILED / OPERATION_ID_REUSED). Every 503 names the
 * operationId, so that the client can retry safely whether or not the record reached the log.
 */
public final class WalletService {

  private static final Logger log = LoggerFactory.getLogger(WalletService.class);
  /**
   * How many wallets' owners a process remembers, least recently used out first. Wallets are never
   * deleted and never change owner, so an owner once read stays true; the empty string stands for a
   * wallet from before authentication (no owner).
   */
  public static final int OWNERS_REMEMBERED = 1_000_000;
  private static final String NO_OWNER = "";
  /** How long a GET of an operationId without a claim waits for the worker to catch up before a 503. */
  private static final long UNKNOWN_OPERATION_WAIT_MS = 2_000;

  private final LruMap<UUID, WalletRef> owners;
  private final String defaultAsset;
  private final Tracing tracing;
  private final Pool pool;
  private final WalletRepository repository;
  private final WalletCache cache;
  private final OperationGuard guard;
  private final EventLoopProducer<String, String> producer;
  private final String topic;
  private final Duration sendTimeout;
  private final int walletsPerPrincipal;
  private final ApplyLag lag;
  private final Counter accepted;
  private final Counter shed;

  /**
   * @param owners the wallets' owners this process has read, shared by its event loops (one map per
   *               process, made by whoever deploys them: {@code WalletApi.factory})
   */
  public WalletService(Vertx vertx, Pool pool, WalletRepository repository, WalletCache cache, OperationGuard guard,
                       EventLoopProducer<String, String> producer, String topic, Duration sendTimeout,
                       int walletsPerPrincipal, ApplyLag lag, MeterRegistry registry, LruMap<UUID, WalletRef> owners,
                       String defaultAsset) {
    this.defaultAsset = defaultAsset;
    this.owners = owners;
    this.tracing = Tracing.of(vertx);
    this.pool = pool;
    this.repository = repository;
    this.cache = cache;
    this.guard = guard;
    this.producer = producer;
    this.topic = topic;
    this.sendTimeout = sendTimeout;
    this.walletsPerPrincipal = walletsPerPrincipal;
    this.lag = lag;
    this.shed = Counter.builder("wallet_operations_shed").description("Operations refused with 503 because the worker was too far behind")
        .register(registry);
    this.accepted = Counter.builder("wallet_operations_accepted").description("Operations acknowledged by Kafka and answered 202")
        .register(registry);
  }

  /** A wallet as the API answers it: its balance at one version, and its owner. */
  public record OwnedWallet(WalletSnapshot snapshot, String ownerId, io.vertx.core.json.JsonObject metadata) {
    public io.vertx.core.json.JsonObject toJson() {
      return snapshot.toJson(ownerId).put("metadata", io.walletplatform.common.json.Metadata.orEmpty(metadata));
    }
  }

  /**
   * A wallet as this process remembers it: its owner ({@code ""}: none), its asset and its metadata
   * ({@code null}: none), none of which ever changes.
   */
  public record WalletRef(String owner, Asset asset, io.vertx.core.json.JsonObject metadata) {
  }

  /**
   * What a new wallet is created with: its asset ({@code null}: the default), initial balance and
   * credit limit as sent, and its metadata ({@code null}: none).
   */
  public record NewWallet(UUID walletId, String asset, BigDecimal initialBalance, BigDecimal creditLimit,
                          io.vertx.core.json.JsonObject metadata) {
  }

  /**
   * Creates a wallet owned by the principal, unless it already owns as many as it may (409
   * LIMIT_REACHED); an unknown asset is 422 UNKNOWN_ASSET, an amount finer than the asset 422 AMOUNT_PRECISION.
   */
  public Future<OwnedWallet> createWallet(Principal principal, NewWallet request) {
    String owner = principal.subject();
    UUID walletId = request.walletId();
    String code = request.asset() == null ? defaultAsset : request.asset();
    Future<Asset> asset = repository.findAsset(pool, code).compose(found -> found != null ? Future.succeededFuture(found)
        : Future.failedFuture(unknownAsset(code)));
    return asset.compose(chosen -> {
      Money initialBalance = OperationRequest.exact(request.initialBalance(), chosen, "initialBalance");
      Money creditLimit = OperationRequest.exact(request.creditLimit(), chosen, "creditLimit");
      return pool.withTransaction(tx -> repository.insertWallet(tx, walletId, initialBalance, owner, walletsPerPrincipal,
              chosen, creditLimit, request.metadata()))
          .recover(error -> Future.failedFuture(SqlStates.isUniqueViolation(error)
              ? DomainError.conflict("WALLET_ALREADY_EXISTS", "wallet " + walletId + " already exists")
              : error))
          .compose(snapshot -> {
            if (snapshot == null) {
              return Future.failedFuture(DomainError.conflict("LIMIT_REACHED",
                  "a principal may own at most " + walletsPerPrincipal + " wallets"));
            }
            remember(walletId, new WalletRef(owner, snapshot.asset(), request.metadata()));
            return cache.put(snapshot).otherwiseEmpty().map(new OwnedWallet(snapshot, owner, request.metadata()));
          });
    });
  }

  /**
   * An admin's new credit limit for the wallet: 409 CREDIT_LIMIT_TOO_LOW when the wallet is already
   * below what it would allow ({@code balance - held < -creditLimit}).
   */
  public Future<OwnedWallet> setCreditLimit(Principal principal, UUID walletId, BigDecimal requested) {
    return walletFor(principal, walletId).compose(ref -> {
      Money creditLimit = OperationRequest.exact(requested, ref.asset(), "creditLimit");
      return repository.setCreditLimit(pool, walletId, creditLimit).compose(updated -> {
        if (updated == null) {
          return Future.failedFuture(DomainError.conflict("CREDIT_LIMIT_TOO_LOW", "wallet " + walletId
              + " is already below what a credit limit of " + ref.asset().decimal(creditLimit).toPlainString()
              + " allows"));
        }
        return cache.put(updated).otherwiseEmpty().map(new OwnedWallet(updated, ref.owner().isEmpty() ? null
            : ref.owner(), ref.metadata()));
      });
    });
  }

  /** Every asset a wallet may hold. */
  public Future<List<Asset>> assets() {
    return repository.listAssets(pool);
  }

  /** Adds an asset; 409 ASSET_ALREADY_EXISTS when its code exists (an asset's precision never changes). */
  public Future<Asset> addAsset(Asset asset) {
    return repository.insertAsset(pool, asset).compose(added -> added ? Future.succeededFuture(asset)
        : Future.failedFuture(DomainError.conflict("ASSET_ALREADY_EXISTS", "asset " + asset.code()
            + " already exists")));
  }

  private static DomainError unknownAsset(String code) {
    return DomainError.unprocessable("UNKNOWN_ASSET", "there is no asset " + code
        + "; GET /api/v1/assets lists them");
  }

  /** The balance from Redis, or from PostgreSQL when the entry is missing or Redis is down. */
  public Future<OwnedWallet> getWallet(Principal principal, UUID walletId) {
    return walletFor(principal, walletId).compose(ref -> snapshot(walletId)
        .map(snapshot -> new OwnedWallet(snapshot, ref.owner().isEmpty() ? null : ref.owner(), ref.metadata())));
  }

  private Future<WalletSnapshot> snapshot(UUID walletId) {
    return cache.get(walletId)
        .otherwise(error -> {
          log.warn("wallet cache unavailable, reading walletId={} from PostgreSQL: {}", walletId, error.getMessage());
          return null;
        })
        .compose(cached -> cached != null ? Future.succeededFuture(cached) : loadAndCache(walletId));
  }

  private Future<WalletSnapshot> loadAndCache(UUID walletId) {
    return repository.findWallet(pool, walletId).compose(stored -> {
      if (stored == null) {
        return Future.failedFuture(walletNotFound(walletId));
      }
      return cache.put(stored).otherwiseEmpty().map(stored);
    });
  }

  public Future<OperationView> submit(Principal principal, OperationRequest request, UUID requestedOperationId) {
    UUID walletId = request.walletId();
    UUID operationId = requestedOperationId != null ? requestedOperationId : UUID.randomUUID();
    long deadline = System.currentTimeMillis() + sendTimeout.toMillis() + 2_000;
    // Read now, on the request's context: the callbacks below may run on another request's.
    String traceparent = tracing.currentTraceparent();
    return walletFor(principal, walletId).compose(ref -> {
          Money amount = request.amountIn(ref.asset());
          if (lag.overloaded()) {
            // Accepting now would only lengthen the delay of everything behind it: tell the client to come back.
            shed.increment();
            return Future.failedFuture(DomainError.unavailable("operation-worker is " + lag.reason() + "; retry later", 1));
          }
          String other = principal.subject().equals(ref.owner()) ? null : principal.subject();
          OperationGuard.Claim claim = new OperationGuard.Claim(request.walletId(), request.type(), amount,
              Timestamps.now(), other, request.toWalletId() != null ? request.toWalletId() : request.holdId(),
              request.expiresAt(), request.metadata());
          return acceptOnce(operationId, claim, ref, deadline, traceparent);
        })
        .recover(error -> Future.failedFuture(error instanceof DomainError problem && problem.is(DomainError.Kind.UNAVAILABLE)
            ? problem.with("operationId", operationId.toString())
            : error));
  }

  private Future<OperationView> acceptOnce(UUID operationId, OperationGuard.Claim claim, WalletRef ref, long deadline,
                                           String traceparent) {
    return guard.tryClaim(operationId, claim).compose(
        owned -> owned ? produce(operationId, claim, ref, true, traceparent)
            : existing(operationId, claim, ref, deadline, traceparent),
        error -> {
          log.warn("Redis unavailable, accepting operationId={} walletId={} without a claim: {}", operationId,
              claim.walletId(), error.getMessage());
          return produce(operationId, claim, ref, false, traceparent);
        });
  }

  private Future<OperationView> produce(UUID operationId, OperationGuard.Claim claim, WalletRef ref, boolean claimed,
                                        String traceparent) {
    String requestedBy = claim.requestedBy(ref.owner());
    WalletOperationEvent event = new WalletOperationEvent(operationId, claim.walletId(), claim.operationType(),
        claim.amount(), claim.acceptedAt(), requestedBy, claim.toWalletId(), claim.holdId(), claim.expiresAt(), false,
        claim.metadata());
    KafkaProducerRecord<String, String> record = event.record(topic);
    Span publish = tracing.publish(record, traceparent);
    return producer.send(record)
        .andThen(sent -> Tracing.end(publish, sent.cause()))
        .recover(error -> {
          log.warn("operation not accepted, Kafka did not acknowledge operationId={} walletId={}: {}",
              operationId, claim.walletId(), error.getMessage());
          // The record may still have reached the log (an ambiguous timeout): a retry with this
          // operationId is applied at most once either way.
          Future<Void> released = claimed ? guard.release(operationId, claim).otherwiseEmpty() : Future.succeededFuture();
          return released.compose(ignored -> Future.failedFuture(DomainError.unavailable(
              "operation log unavailable; retry with the same operationId", 2)));
        })
        .map(metadata -> {
          accepted.increment();
          return claim.pending(operationId, requestedBy, ref.asset());
        });
  }

  /**
   * Someone claimed this operationId before: a replay, a conflicting reuse, or a race with an accept
   * in flight. The claim does not say whether its record reached the log, so an identical request the
   * worker has not decided yet produces the record again (from the claim: the same acceptedAt) and
   * answers 202 once the broker has it: the worker applies the first copy and skips the others. A
   * replay never waits for another request's produce, and one whose first attempt died between its
   * claim and its produce is accepted now, not after the claim expires.
   */
  private Future<OperationView> existing(UUID operationId, OperationGuard.Claim request, WalletRef ref, long deadline,
                                         String traceparent) {
    return guard.find(operationId).recover(error -> Future.failedFuture(
        DomainError.unavailable("operation store unavailable", 1))).compose(current -> {
      if (current == null) {
        // The earlier claim was released or expired: compete for the id again.
        if (System.currentTimeMillis() > deadline) {
          return Future.failedFuture(DomainError.unavailable("operation " + operationId + " is still being accepted", 1));
        }
        return acceptOnce(operationId, request, ref, deadline, traceparent);
      }
      if (!current.sameRequest(request)) {
        return Future.failedFuture(reused(operationId));
      }
      return finalState(current.walletId(), ref.asset(), operationId, current).compose(done -> done != null
          ? published(done)
          : produce(operationId, current, ref, false, traceparent));
    });
  }

  /**
   * What the worker decided for this operationId submitted for this wallet (with this content, when
   * {@code expected} is given): the operation it applied, or FAILED / OPERATION_ID_REUSED when the id
   * had been applied with other content; {@code null} when it has decided nothing yet. A TRANSFER this
   * wallet received reads as its destination's view (only when no particular content is expected: an
   * operationId submitted for this wallet is never the transfer another wallet sent it).
   */
  private Future<OperationView> finalState(UUID walletId, Asset asset, UUID operationId, OperationGuard.Claim expected) {
    return repository.findOperation(pool, operationId, walletId, asset).compose(applied -> {
      if (applied != null && applied.walletId().equals(walletId) && (expected == null || (!applied.credit()
          && expected.sameRequest(applied.walletId(), applied.operationType(), applied.amount(),
              applied.toWalletId(), applied.holdId(), applied.metadata())))) {
        return Future.succeededFuture(applied);
      }
      return applied == null ? Future.succeededFuture() : repository.findReuse(pool, operationId, walletId, asset);
    });
  }

  /**
   * An operation of a wallet the principal may see; anyone else's is OPERATION_NOT_FOUND, like an
   * unknown id. An accepted operation never reads as not found: a claim reads as PENDING (past its
   * producing window, only while the worker may still apply it); without a claim (Redis unavailable at accept time,
   * evicted, or down now) OPERATION_NOT_FOUND is answered only once the worker has applied every
   * operation accepted before this request and PostgreSQL still has none; otherwise 503 with
   * Retry-After: nobody can say yet.
   */
  public Future<OperationView> getOperation(Principal principal, UUID walletId, UUID operationId) {
    return walletFor(principal, walletId)
        .recover(hidden -> Future.failedFuture(hidden instanceof DomainError problem && problem.is(DomainError.Kind.NOT_FOUND)
            ? operationNotFound(walletId, operationId) : hidden))
        .compose(ref -> finalState(walletId, ref.asset(), operationId, null).compose(done -> {
          if (done != null) {
            return published(done);
          }
          return guard.find(operationId)
              .recover(error -> Future.failedFuture(DomainError.unavailable(
                  "the state of operation " + operationId + " cannot be read now; retry later", 1)))
              .compose(claim -> {
                if (claim != null && claim.walletId().equals(walletId)) {
                  OperationView pending = claim.pending(operationId,
                      claim.requestedBy(ref.owner().isEmpty() ? null : ref.owner()), ref.asset());
                  return guard.mayBeProducing(claim) ? Future.succeededFuture(pending)
                      : notFoundOnceApplied(walletId, ref.asset(), operationId, pending);
                }
                if (claim != null) {
                  return Future.failedFuture(operationNotFound(walletId, operationId));
                }
                return notFoundOnceApplied(walletId, ref.asset(), operationId, null);
              });
        }));
  }

  /**
   * Nothing applied, and no claim, or one older than its producing window (its record reached the log
   * before now or never will): not found only once the worker has applied everything accepted before
   * now and still decided nothing (the accept that claimed the id failed or died before its record
   * reached the log: a replay would produce it). Until then {@code whileBehind}, the claim's PENDING,
   * or without a claim ({@code null}) 503 with Retry-After: nobody can say yet.
   */
  private Future<OperationView> notFoundOnceApplied(UUID walletId, Asset asset, UUID operationId,
                                                    OperationView whileBehind) {
    return lag.appliedEverythingAcceptedBefore(UNKNOWN_OPERATION_WAIT_MS).compose(appliedAll -> {
      if (!appliedAll) {
        return whileBehind != null ? Future.succeededFuture(whileBehind) : Future.failedFuture(
            DomainError.unavailable("operation " + operationId + " may still be waiting to be applied; retry later", 1));
      }
      return finalState(walletId, asset, operationId, null).compose(done -> done != null
          ? published(done)
          : Future.failedFuture(operationNotFound(walletId, operationId)));
    });
  }

  /** Answers a final operation only once the wallet's GET shows it ({@link #caughtUp}). */
  private Future<OperationView> published(OperationView view) {
    if (view.status() != OperationStatus.COMPLETED) {
      return Future.succeededFuture(view);
    }
    return caughtUp(List.of(view.walletId()), "operation " + view.operationId()).map(view);
  }

  /**
   * Succeeds once the wallets' GETs show versions at least as new as PostgreSQL's, so that what was
   * read final from PostgreSQL (an operation, a transaction) is never answered while a wallet still
   * reads the balance before it: wallets are served from Redis, which the worker refreshes after its
   * commit. Cached entries older than PostgreSQL's are brought forward here (put-if-newer); when Redis
   * will not take them, 503 ({@code what} is applied but not yet readable). A wallet with no entry, or
   * Redis unreadable, is read from PostgreSQL by its GET anyway. One Redis round trip and one query
   * for all the wallets, one more round trip when any is behind.
   */
  public Future<Void> caughtUp(List<UUID> walletIds, String what) {
    return cache.getAll(walletIds).otherwiseEmpty().compose(cached -> {
      List<UUID> inCache = new ArrayList<>();
      for (int i = 0; cached != null && i < walletIds.size(); i++) {
        if (cached.get(i) != null) {
          inCache.add(walletIds.get(i));
        }
      }
      if (inCache.isEmpty()) {
        return Future.succeededFuture();
      }
      return repository.findWallets(pool, inCache).compose(stored -> {
        List<WalletSnapshot> behind = new ArrayList<>();
        for (int i = 0; i < walletIds.size(); i++) {
          WalletSnapshot entry = cached.get(i);
          WalletSnapshot current = entry == null ? null : stored.get(entry.walletId());
          if (current != null && entry.version() < current.version()) {
            behind.add(current);
          }
        }
        return behind.isEmpty() ? Future.<Void>succeededFuture() : cache.putAll(behind).recover(error ->
            Future.failedFuture(DomainError.unavailable(
                what + " is applied but a wallet's balance is not yet readable; retry later", 1)));
      });
    });
  }

  /** A page of the wallet's history (a statement, when the query names a period). */
  public Future<OperationPage> listOperations(Principal principal, UUID walletId, WalletRepository.PageQuery page) {
    return walletFor(principal, walletId).compose(ref -> repository.listOperations(pool, walletId, page, ref.asset()));
  }

  /** A page of the wallet's statement after {@code after} (null: from the start), oldest first; the caller checked access. */
  public Future<OperationPage> statementPage(UUID walletId, Instant from, Instant to, long[] after, int limit, Asset asset) {
    return repository.statementPage(pool, walletId, from, to, after, limit, asset);
  }

  /** The wallet as of an instant, and its asset; WALLET_NOT_FOUND also when it did not exist yet then. */
  public Future<BalanceAtIn> balanceAt(Principal principal, UUID walletId, Instant at) {
    return walletFor(principal, walletId).compose(ref -> repository.balanceAt(pool, walletId, at)
        .compose(balance -> balance != null ? Future.succeededFuture(new BalanceAtIn(balance, ref.asset()))
            : Future.failedFuture(DomainError.notFound("WALLET_NOT_FOUND",
                "wallet " + walletId + " did not exist at " + Timestamps.format(at)))));
  }

  /** A balance at an instant with the asset its amounts are in. */
  public record BalanceAtIn(WalletRepository.BalanceAt balance, Asset asset) {
  }

  /**
   * The wallet's owner ({@code ""} for a wallet from before authentication) and asset when the
   * principal may act on it; WALLET_NOT_FOUND when it does not exist or belongs to someone else.
   */
  public Future<WalletRef> walletFor(Principal principal, UUID walletId) {
    WalletRef known = owners.get(walletId);
    Future<WalletRef> owner = known != null ? Future.succeededFuture(known)
        : repository.findOwner(pool, walletId).map(found -> {
          if (found == null) {
            return null;
          }
          WalletRef ref = new WalletRef(found.ownerId() == null ? NO_OWNER : found.ownerId(), found.asset(),
              found.metadata());
          remember(walletId, ref);
          return ref;
        });
    return owner.compose(ref -> ref != null && principal.mayActFor(ref.owner())
        ? Future.succeededFuture(ref)
        : Future.failedFuture(walletNotFound(walletId)));
  }

  private void remember(UUID walletId, WalletRef ref) {
    owners.put(walletId, ref);
  }

  static DomainError walletNotFound(UUID walletId) {
    return DomainError.notFound("WALLET_NOT_FOUND", "wallet " + walletId + " does not exist");
  }

  private static DomainError operationNotFound(UUID walletId, UUID operationId) {
    return DomainError.notFound("OPERATION_NOT_FOUND",
        "wallet " + walletId + " has no operation " + operationId);
  }

  private static DomainError reused(UUID operationId) {
    return DomainError.unprocessable("IDEMPOTENCY_KEY_REUSED",
        "operationId " + operationId + " was already used for a different wallet, type or amount");
  }
}
