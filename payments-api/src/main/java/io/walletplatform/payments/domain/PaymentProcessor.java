package io.walletplatform.payments.domain;

import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.SqlConnection;
import io.walletplatform.common.events.PaymentRequested;
import io.walletplatform.common.events.PaymentResult;
import io.walletplatform.common.inbox.InboxHandler;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.payments.db.AccountRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Pays an order, inside the inbox transaction: debit with one conditional update (never below
 * zero), record the PAYMENT (unique per order), and put the result in the outbox. An order already
 * paid (a second request for it) is reported as paid again, never debited twice.
 */
public final class PaymentProcessor implements InboxHandler {

  private static final Logger log = LoggerFactory.getLogger(PaymentProcessor.class);

  private final AccountRepository repository;
  private final String resultsTopic;

  public PaymentProcessor(AccountRepository repository, String resultsTopic) {
    this.repository = repository;
    this.resultsTopic = resultsTopic;
  }

  @Override
  public Future<Void> handle(SqlConnection tx, KafkaConsumerRecord<String, byte[]> record) {
    PaymentRequested request = PaymentRequested.decode(record.value());
    return repository.orderPaid(tx, request.orderId())
        .compose(paid -> paid ? Future.succeededFuture(result(request, PaymentResult.SUCCEEDED, null)) : pay(tx, request))
        .compose(result -> {
          log.debug("payment orderId={} userId={} eventId={} -> {} {}", request.orderId(), request.userId(),
              request.eventId(), result.status(), result.failureReason() == null ? "" : result.failureReason());
          return Outbox.append(tx, new OutboxEvent(result.eventId(), "order", request.orderId().toString(), resultsTopic,
              PaymentResult.EVENT_TYPE, result.encode()));
        });
  }

  private Future<PaymentResult> pay(SqlConnection tx, PaymentRequested request) {
    return repository.debitIfCovered(tx, request.userId(), request.amount()).compose(account -> {
      if (account != null) {
        AccountTransaction payment = new AccountTransaction(UUID.randomUUID(), AccountTransaction.PAYMENT,
            request.amount(), request.orderId(), account.balance(), Timestamps.now());
        return repository.insertTransaction(tx, request.userId(), payment)
            .map(result(request, PaymentResult.SUCCEEDED, null));
      }
      return repository.exists(tx, request.userId()).map(exists -> result(request, PaymentResult.FAILED,
          exists ? PaymentResult.INSUFFICIENT_FUNDS : PaymentResult.ACCOUNT_NOT_FOUND));
    });
  }

  private static PaymentResult result(PaymentRequested request, String status, String reason) {
    return new PaymentResult(UUID.randomUUID(), request.orderId(), request.userId(), status, reason, Timestamps.now());
  }
}
