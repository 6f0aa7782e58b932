package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer written directly (encode) is the text of the object form (toJson), for every shape of operation. */
class OperationViewTest {

  @Test
  void theWrittenAnswerIsTheObjectFormsTextForEveryShape() {
    List<OperationView> views = new ArrayList<>();
    Instant at = Instant.parse("2026-12-06T19:30:00.123Z");
    JsonObject metadata = new JsonObject().put("order", "A-1 \"ü\"\n").put("empty", "");
    for (OperationType type : OperationType.values()) {
      for (OperationStatus status : OperationStatus.values()) {
        for (Asset asset : List.of(new Asset("EUR", 2), new Asset("BTC", 8), new Asset("JPY", 0))) {
          boolean pending = status == OperationStatus.PENDING;
          boolean failed = status == OperationStatus.FAILED;
          UUID related = UUID.randomUUID();
          views.add(new OperationView(UUID.randomUUID(), UUID.randomUUID(), type, Money.ofMinor(type == OperationType.VOID ? 0 : 1),
              status, failed ? FailureReason.values()[0] : null, pending || failed ? null : Money.ofMinor(-123_456_789_012L),
              at, pending ? null : at.plusMillis(7), views.size() % 2 == 0 ? "client-\u00e9\"\\" : "c1",
              type == OperationType.TRANSFER ? related : null, type == OperationType.TRANSFER && views.size() % 3 == 0 ? related : null,
              type.settlesHold() ? related : null, type == OperationType.HOLD ? at.plusSeconds(60) : null,
              type == OperationType.HOLD && !pending ? HoldStatus.values()[0] : null, asset,
              views.size() % 4 == 0 ? UUID.randomUUID() : null, views.size() % 5 == 0 ? metadata : null));
        }
      }
    }
    assertTrue(views.size() >= 6 * 3 * 3);
    for (OperationView view : views) {
      assertEquals(view.toJson().encode(), view.encode());
    }
  }
}
