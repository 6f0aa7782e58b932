package io.walletplatform.payments.domain;

import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.walletplatform.common.events.PaymentCancelRequested;
import io.walletplatform.common.events.PaymentRequested;
import io.walletplatform.common.events.PaymentResult;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.common.webhooks.EventTypes;
import io.walletplatform.common.webhooks.PlatformEvent;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.payments.db.AccountRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Pays an order, inside the inbox transaction: debit with one conditional update (never below
 * zero), record the PAYMENT (unique per order) and the decision, and put the result in the outbox.
 * Each order is decided once: a repeated request (a redelivery, or the reconciler re-driving an
 * order) and a cancellation are answered with the decision recorded, so an order is never debited
 * twice, nor debited after it was failed. A cancellation of an order with no decision records
 * FAILED / PAYMENT_TIMEOUT: payments has then agreed never to debit it.
 *
 * <p>A refund request credits the order's PAYMENT back to the account it was taken from, as a REFUND
 * transaction with the orderId: at most one per order (a unique index), so a repeated request, the
 * reconciler's resend or a redelivery after a crash answers SUCCEEDED again without a second credit.
 * A refund of an order payments never debited cannot be: the record is refused (and parked), loudly.
 * The credit's platform event {@code account.refunded} goes to the outbox in the same transaction.
 */
public final class PaymentProcessor implements InboxHandler {

  private static final Logger log = LoggerFactory.getLogger(PaymentProcessor.class);

  private final AccountRepository repository;
  private final String resultsTopic;
  private final WebhookInterest interest;
  private final String eventsTopic;

  public PaymentProcessor(AccountRepository repository, String resultsTopic, WebhookInterest interest,
                          String eventsTopic) {
    this.repository = repository;
    this.resultsTopic = resultsTopic;
    this.interest = interest;
    this.eventsTopic = eventsTopic;
  }

  @Override
  public Future<Void> handle(SqlConnection tx, KafkaConsumerRecord<String, byte[]> record, String traceparent) {
    boolean cancel = PaymentCancelRequested.EVENT_TYPE.equals(eventType(record));
    UUID orderId;
    UUID userId;
    Future<PaymentResult> decided;
    if (cancel) {
      PaymentCancelRequested request = PaymentCancelRequested.decode(record.value());
      orderId = request.orderId();
      userId = request.userId();
      decided = decide(tx, orderId, userId, () -> Future.succeededFuture(
          result(request.orderId(), request.userId(), PaymentResult.Status.FAILED, PaymentResult.Reason.PAYMENT_TIMEOUT)));
    } else {
      PaymentRequested request = PaymentRequested.decode(record.value());
      orderId = request.orderId();
      userId = request.userId();
      decided = request.refund() ? refund(tx, request) : decide(tx, orderId, userId, () -> pay(tx, request));
    }
    return decided.compose(result -> {
      log.debug("{} orderId={} userId={} -> {} {}", cancel ? "cancellation" : result.refund() ? "refund" : "payment",
          orderId, userId, result.status(), result.failureReason() == null ? "" : result.failureReason());
      return Outbox.append(tx, new OutboxEvent(result.eventId(), "order", orderId.toString(), resultsTopic,
          result.eventType(), result.encode()).withTraceparent(traceparent));
    });
  }

  /** The recorded decision if there is one; otherwise the new one, recorded in this transaction. */
  private Future<PaymentResult> decide(SqlConnection tx, UUID orderId, UUID userId,
                                       java.util.function.Supplier<Future<PaymentResult>> decideNow) {
    return repository.findDecision(tx, orderId).compose(recorded -> {
      if (recorded != null) {
        return Future.succeededFuture(result(orderId, userId, recorded.status(), recorded.failureReason()));
      }
      return decideNow.get().compose(result -> repository.insertDecision(tx, orderId, userId, result.status(),
          result.failureReason()).map(result));
    });
  }

  private Future<PaymentResult> pay(SqlConnection tx, PaymentRequested request) {
    return repository.debitIfCovered(tx, request.userId(), request.amount()).compose(account -> {
      if (account != null) {
        AccountTransaction payment = new AccountTransaction(UUID.randomUUID(), AccountTransaction.PAYMENT,
            request.amount(), request.orderId(), account.balance(), request.requestedByOrOwner(), Timestamps.now());
        return repository.insertTransaction(tx, request.userId(), payment)
            .map(result(request.orderId(), request.userId(), PaymentResult.Status.SUCCEEDED, null));
      }
      return repository.exists(tx, request.userId()).map(exists -> result(request.orderId(), request.userId(),
          PaymentResult.Status.FAILED, exists ? PaymentResult.Reason.INSUFFICIENT_FUNDS : PaymentResult.Reason.ACCOUNT_NOT_FOUND));
    });
  }

  /** Credits the order's payment back once; a refund recorded before answers the same. */
  private Future<PaymentResult> refund(SqlConnection tx, PaymentRequested request) {
    UUID orderId = request.orderId();
    return repository.findOrderTransaction(tx, orderId, AccountTransaction.REFUND).compose(refunded -> {
      if (refunded != null) {
        return Future.succeededFuture(refunded(request));
      }
      return repository.findOrderTransaction(tx, orderId, AccountTransaction.PAYMENT).compose(payment -> {
        if (payment == null) {
          return Future.failedFuture(new InvalidRecordException("refund of order " + orderId
              + ", which payments never debited"));
        }
        return repository.credit(tx, payment.userId(), payment.amount()).compose(account -> {
          AccountTransaction credit = new AccountTransaction(UUID.randomUUID(), AccountTransaction.REFUND,
              payment.amount(), orderId, account.balance(), request.requestedByOrOwner(), Timestamps.now());
          return repository.insertTransaction(tx, payment.userId(), credit)
              .compose(ignored -> accountRefunded(tx, payment.userId(), credit))
              .map(refunded(request));
        });
      });
    });
  }

  /** {@code account.refunded}, for the principal the refund was asked by, when it listens. */
  private Future<Void> accountRefunded(SqlConnection tx, UUID userId, AccountTransaction credit) {
    String principal = credit.requestedBy();
    if (!interest.wants(principal, EventTypes.ACCOUNT_REFUNDED)) {
      return Future.succeededFuture();
    }
    return Outbox.append(tx, PlatformEvent.outbox(eventsTopic, EventTypes.ACCOUNT_REFUNDED,
        PlatformEvent.id(EventTypes.ACCOUNT_REFUNDED, credit.orderId()), "account", userId, principal,
        credit.createdAt(), credit.toJson().put("userId", userId.toString())));
  }

  private static PaymentResult refunded(PaymentRequested request) {
    return new PaymentResult(UUID.randomUUID(), request.orderId(), request.userId(), PaymentResult.Status.SUCCEEDED, null,
        Timestamps.now(), true);
  }

  private static String eventType(KafkaConsumerRecord<String, byte[]> record) {
    for (KafkaHeader header : record.headers()) {
      if (KafkaClients.EVENT_TYPE_HEADER.equals(header.key())) {
        return header.value().toString();
      }
    }
    return PaymentRequested.EVENT_TYPE;
  }

  private static PaymentResult result(UUID orderId, UUID userId, PaymentResult.Status status,
                                      PaymentResult.Reason reason) {
    return new PaymentResult(UUID.randomUUID(), orderId, userId, status, reason, Timestamps.now());
  }
}
