package io.walletplatform.wallet.domain;

import io.walletplatform.common.kafka.EventLoopProducer;
import io.walletplatform.common.util.Enums;
import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.wallet.OperationStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.wallet.db.WalletRepository;
import io.walletplatform.wallet.db.WalletRepository.StoredTransaction;
import io.walletplatform.wallet.kafka.ApplyLag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Transactions: N postings between wallets, all applied or none (docs/transactions.md). Accepting one
 * checks that the principal may debit every wallet it debits (its own, or any for admin) and that
 * each amount fits its wallet's asset, writes the transaction's row PENDING (its coordinator's
 * durable record; a transactionId seen before answers that transaction, or 422 when the request
 * differs), then produces one reservation per debited wallet, keyed by the wallet: a HOLD of its
 * total debit, applied in that wallet's Kafka order like any of its operations. operation-worker's
 * coordinator settles the transaction once every reservation is decided.
 */
public final class TransactionService {

  private static final Logger log = LoggerFactory.getLogger(TransactionService.class);

  /** A posting as requested: the amount as sent, checked against the debited wallet's asset later. */
  public record PostingRequest(UUID from, UUID to, BigDecimal amount) {
  }

  private final Pool pool;
  private final WalletRepository repository;
  private final WalletService wallets;
  private final EventLoopProducer<String, String> producer;
  private final String topic;
  private final ApplyLag lag;

  public TransactionService(Pool pool, WalletRepository repository, WalletService wallets,
                            EventLoopProducer<String, String> producer, String topic, ApplyLag lag) {
    this.pool = pool;
    this.repository = repository;
    this.wallets = wallets;
    this.producer = producer;
    this.topic = topic;
    this.lag = lag;
  }

  public Future<JsonObject> submit(Principal principal, UUID requestedId, List<PostingRequest> requested,
                                   JsonObject metadata) {
    UUID transactionId = requestedId != null ? requestedId : UUID.randomUUID();
    Set<UUID> debited = new LinkedHashSet<>();
    requested.forEach(posting -> debited.add(posting.from()));
    Map<UUID, Future<WalletService.WalletRef>> refs = new java.util.LinkedHashMap<>();
    debited.forEach(walletId -> refs.put(walletId, wallets.walletFor(principal, walletId)));
    return Future.all(new ArrayList<>(refs.values())).compose(found -> {
      List<Posting> postings = new ArrayList<>(requested.size());
      for (int i = 0; i < requested.size(); i++) {
        PostingRequest posting = requested.get(i);
        WalletService.WalletRef ref = refs.get(posting.from()).result();
        postings.add(new Posting(posting.from(), posting.to(),
            OperationRequest.exact(posting.amount(), ref.asset(), "postings[" + i + "].amount"), ref.asset()));
      }
      return record(principal, transactionId, postings, metadata, null)
          .compose(inserted -> inserted != null ? Future.succeededFuture(inserted)
              : replay(principal, transactionId, postings, metadata));
    });
  }

  /**
   * Reverses a COMPLETED transaction: a new transaction with every posting swapped (and their order
   * reversed), linked to it, debiting what the original credited (so the principal must be allowed
   * to debit those wallets, as for any transaction). Its id is derived from the original's: a
   * transaction is reversed at most once, and a second request is 409 naming the first reversal.
   */
  public Future<JsonObject> reverse(Principal principal, UUID originalId) {
    return visible(principal, originalId).compose(original -> {
      if (original.reversedBy() != null) {
        return Future.failedFuture(alreadyReversed(originalId, original.reversedBy()));
      }
      if (original.status() != OperationStatus.COMPLETED) {
        return Future.failedFuture(DomainError.conflict("TRANSACTION_NOT_REVERSIBLE", "transaction "
            + originalId + " is " + original.status() + ": only a COMPLETED transaction is reversed"));
      }
      List<Posting> swapped = new ArrayList<>(original.postings().size());
      for (int i = original.postings().size() - 1; i >= 0; i--) {
        Posting posting = original.postings().get(i);
        swapped.add(new Posting(posting.to(), posting.from(), posting.amount(), posting.asset()));
      }
      List<Future<WalletService.WalletRef>> allowed = new ArrayList<>();
      new LinkedHashSet<>(swapped.stream().map(Posting::from).toList())
          .forEach(walletId -> allowed.add(wallets.walletFor(principal, walletId)));
      UUID reversalId = reversalId(originalId);
      return Future.all(allowed)
          .compose(ignored -> record(principal, reversalId, swapped, null, originalId))
          .compose(inserted -> inserted != null ? Future.succeededFuture(inserted)
              : Future.failedFuture(alreadyReversed(originalId, reversalId)));
    });
  }

  /** The reversal's id: the same for every request to reverse the transaction. */
  public static UUID reversalId(UUID transactionId) {
    return UUID.nameUUIDFromBytes(("transaction-reversal:" + transactionId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static DomainError alreadyReversed(UUID originalId, UUID reversalId) {
    return DomainError.conflict("ALREADY_REVERSED", "transaction " + originalId + " was reversed by "
        + reversalId).with("reversalId", reversalId.toString());
  }

  /** Writes the row and produces the reservations; {@code null} when the id exists already. */
  private Future<JsonObject> record(Principal principal, UUID transactionId, List<Posting> postings, JsonObject metadata,
                                    UUID reverses) {
    if (lag.overloaded()) {
      return Future.failedFuture(DomainError.unavailable("operation-worker is " + lag.reason()
          + "; retry later with the same transactionId", 1).with("transactionId", transactionId.toString()));
    }
    Instant acceptedAt = Timestamps.now();
    StoredTransaction pending = new StoredTransaction(transactionId, OperationStatus.PENDING, null, null, postings, metadata,
        principal.subject(), acceptedAt, null, reverses, null);
    return repository.insertTransaction(pool, transactionId, postings, metadata, principal.subject(), acceptedAt, reverses)
        .compose(inserted -> inserted ? reserve(pending) : Future.succeededFuture((JsonObject) null));
  }

  /** Produces each debited wallet's reservation; a send that fails is produced again by the coordinator. */
  private Future<JsonObject> reserve(StoredTransaction pending) {
    List<Future<?>> sends = new ArrayList<>();
    for (Map.Entry<UUID, Money> debit : Postings.debits(pending.postings()).entrySet()) {
      WalletOperationEvent event = Postings.reservation(pending.transactionId(), debit.getKey(), debit.getValue(),
          pending.acceptedAt(), pending.requestedBy());
      sends.add(producer.send(event.record(topic)));
    }
    return Future.all(sends)
        .map(ignored -> view(pending))
        .recover(error -> {
          // The row is written: the coordinator produces the reservations again, and a retry answers this transaction.
          log.warn("transaction {} recorded, a reservation not acknowledged by Kafka yet: {}", pending.transactionId(),
              error.getMessage());
          return Future.succeededFuture(view(pending));
        });
  }

  /** The transactionId exists: the same request answers its current state, another one is 422. */
  private Future<JsonObject> replay(Principal principal, UUID transactionId, List<Posting> postings, JsonObject metadata) {
    return repository.findTransaction(pool, transactionId).compose(stored -> {
      if (stored == null || !stored.requestedBy().equals(principal.subject()) || !stored.postings().equals(postings)
          || !io.walletplatform.common.json.Metadata.same(stored.metadata(), metadata)) {
        return Future.failedFuture(DomainError.unprocessable("IDEMPOTENCY_KEY_REUSED", "transactionId "
            + transactionId + " was already used for a different transaction"));
      }
      return Future.succeededFuture(view(stored));
    });
  }

  /** The transaction for whoever submitted it, or an admin; to anyone else it does not exist. */
  public Future<JsonObject> get(Principal principal, UUID transactionId) {
    return visible(principal, transactionId).compose(this::published).map(TransactionService::view);
  }

  /**
   * A final transaction is answered only once the GET of every wallet it names shows it (as a final
   * operation is: {@link WalletService#caughtUp}): read COMPLETED, then the wallets, a client must never
   * find a balance from before it. The worker refreshes the cache just after its commit.
   */
  private Future<StoredTransaction> published(StoredTransaction stored) {
    if (stored.status() == OperationStatus.PENDING) {
      return Future.succeededFuture(stored);
    }
    Set<UUID> walletIds = new LinkedHashSet<>();
    stored.postings().forEach(posting -> {
      walletIds.add(posting.from());
      walletIds.add(posting.to());
    });
    return wallets.caughtUp(List.copyOf(walletIds), "transaction " + stored.transactionId()).map(stored);
  }

  private Future<StoredTransaction> visible(Principal principal, UUID transactionId) {
    return repository.findTransaction(pool, transactionId).compose(stored -> stored != null
        && (principal.isAdmin() || principal.subject().equals(stored.requestedBy()))
        ? Future.succeededFuture(stored)
        : Future.failedFuture(DomainError.notFound("TRANSACTION_NOT_FOUND",
            "there is no transaction " + transactionId)));
  }

  static JsonObject view(StoredTransaction stored) {
    JsonArray postings = new JsonArray();
    stored.postings().forEach(posting -> postings.add(posting.toJson()));
    JsonObject json = new JsonObject()
        .put("transactionId", stored.transactionId().toString())
        .put("status", stored.status().name())
        .put("failureReason", Enums.name(stored.failureReason()))
        .put("postings", postings)
        .put("metadata", stored.metadata() == null ? new JsonObject() : stored.metadata())
        .put("requestedBy", stored.requestedBy())
        .put("acceptedAt", Timestamps.format(stored.acceptedAt()))
        .put("processedAt", Timestamps.format(stored.processedAt()));
    if (stored.failedWalletId() != null) {
      json.put("failedWalletId", stored.failedWalletId().toString());
    }
    if (stored.reverses() != null) {
      json.put("reverses", stored.reverses().toString());
    }
    if (stored.reversedBy() != null) {
      json.put("reversedBy", stored.reversedBy().toString());
    }
    return json;
  }
}
