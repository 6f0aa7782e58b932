package io.walletplatform.worker.domain;

import io.walletplatform.common.wallet.HoldStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.common.wallet.OperationView;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.webhooks.EventTypes;
import io.walletplatform.common.webhooks.PlatformEvent;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.worker.db.LedgerRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The platform events of a batch's outcomes, written to the wallet database's outbox in the batch's
 * own transaction (so no crash between the commit and the publish can lose one): for the owner of the
 * operation's wallet {@code wallet.operation.completed} or {@code .failed}, and for the owner of a
 * TRANSFER's destination the destination's view of it; the platform's release of an expired hold is
 * {@code wallet.hold.expired}. Only for principals who listen to that type: when nobody does, a batch
 * pays one lookup per operation and no statement.
 */
public final class WalletEvents {

  private record Wanted(AppliedOperation applied, String type, String principal, boolean destination) {
  }

  private final WebhookInterest interest;
  private final String topic;
  private final LedgerRepository repository;

  public WalletEvents(WebhookInterest interest, String topic, LedgerRepository repository) {
    this.interest = interest;
    this.topic = topic;
    this.repository = repository;
  }

  /** Writes the events of {@code applied} that someone listens to, through {@code tx}. */
  public Future<Void> record(SqlClient tx, List<AppliedOperation> applied, Map<UUID, String> owners) {
    if (applied.isEmpty() || !interest.anyone()) {
      return Future.succeededFuture();
    }
    List<Wanted> wanted = new ArrayList<>();
    for (AppliedOperation operation : applied) {
      WalletOperationEvent event = operation.pending().event();
      boolean completed = operation.completed();
      String type;
      if (event.expiry()) {
        if (!completed) {
          continue; // the hold was settled meanwhile: nothing expired
        }
        type = EventTypes.HOLD_EXPIRED;
      } else {
        type = completed ? EventTypes.OPERATION_COMPLETED : EventTypes.OPERATION_FAILED;
      }
      String owner = owners.get(event.walletId());
      if (interest.wants(owner, type)) {
        wanted.add(new Wanted(operation, type, owner, false));
      }
      if (completed && event.operationType() == OperationType.TRANSFER && !event.toWalletId().equals(event.walletId())) {
        String destinationOwner = owners.get(event.toWalletId());
        if (interest.wants(destinationOwner, type)) {
          wanted.add(new Wanted(operation, type, destinationOwner, true));
        }
      }
    }
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    return repository.processedAt(tx, wanted.get(0).applied().pending().event().operationId())
        .compose(processedAt -> {
          List<OutboxEvent> events = new ArrayList<>(wanted.size());
          for (Wanted one : wanted) {
            OperationView view = view(one.applied(), one.destination(), processedAt);
            UUID eventId = PlatformEvent.id(one.type(), view.operationId(), view.walletId());
            events.add(PlatformEvent.outbox(topic, one.type(), eventId, "wallet", view.walletId(), one.principal(),
                processedAt, view.encode()));
          }
          return Outbox.appendAll(tx, events);
        });
  }

  /** The operation as the owner of its wallet (or of the TRANSFER's destination) reads it once applied. */
  static OperationView view(AppliedOperation applied, boolean destination, Instant processedAt) {
    WalletOperationEvent event = applied.pending().event();
    if (destination) {
      return new OperationView(event.operationId(), event.toWalletId(), event.operationType(), applied.amount(),
          applied.status(), null, applied.toAfter().balance(), event.acceptedAt(), processedAt, event.requestedBy(),
          null, event.walletId(), null, null, null, applied.toAfter().asset(), null, event.metadata());
    }
    return new OperationView(event.operationId(), event.walletId(), event.operationType(), applied.amount(),
        applied.status(), applied.failureReason(), applied.balanceAfter(), event.acceptedAt(), processedAt,
        event.requestedBy(), event.toWalletId(), null, event.holdId(), event.expiresAt(),
        event.operationType() == OperationType.HOLD && applied.completed() ? HoldStatus.ACTIVE
            : null, applied.asset(), null, event.metadata());
  }
}
