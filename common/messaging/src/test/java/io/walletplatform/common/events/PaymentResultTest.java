package io.walletplatform.common.events;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.errors.InvalidRecordException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PaymentResultTest {

  private static final Instant AT = Instant.parse("2026-12-06T10:15:30.123Z");

  @Test
  void everyOutcomeReadsBackAsWritten() {
    for (PaymentResult.Reason reason : PaymentResult.Reason.values()) {
      PaymentResult failed = new PaymentResult(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
          PaymentResult.Status.FAILED, reason, AT);
      assertEquals(failed, PaymentResult.decode(failed.encode().getBytes(StandardCharsets.UTF_8)));
    }
    PaymentResult refund = new PaymentResult(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        PaymentResult.Status.SUCCEEDED, null, AT, true);
    assertEquals(refund, PaymentResult.decode(refund.encode().getBytes(StandardCharsets.UTF_8)));
    assertEquals(PaymentResult.REFUND_EVENT_TYPE, refund.eventType());
  }

  @Test
  void aStatusOrReasonOutsideTheContractIsAnInvalidRecord() {
    PaymentResult paid = new PaymentResult(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        PaymentResult.Status.SUCCEEDED, null, AT);
    JsonObject valid = new JsonObject(paid.encode());
    for (JsonObject invalid : new JsonObject[] {
        valid.copy().put("status", "PAID"),
        valid.copy().put("status", "succeeded"),
        valid.copy().put("failureReason", "INSUFFICIENT_FUNDS"),
        valid.copy().put("status", "FAILED"),
        valid.copy().put("status", "FAILED").put("failureReason", "NO_MONEY"),
        valid.copy().put("status", "FAILED").put("failureReason", "PAYMENT_TIMEOUT").put("kind", "REFUND")}) {
      assertThrows(InvalidRecordException.class,
          () -> PaymentResult.decode(invalid.encode().getBytes(StandardCharsets.UTF_8)), invalid.encode());
    }
  }
}
