package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.util.Enums;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operation's text (encode) is the text of a JsonObject of its members, for every shape of operation. */
class OperationViewTest {

  @Test
  void theTextIsThatOfAnObjectOfItsMembersForEveryShape() {
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
      assertEquals(members(view).encode(), view.encode());
    }
  }

  /** The operation as a JsonObject of API.md's members, in the order the answer writes them: the oracle. */
  private static JsonObject members(OperationView view) {
    JsonObject json = new JsonObject()
        .put("operationId", view.operationId().toString())
        .put("walletId", view.walletId().toString())
        .put("operationType", view.operationType().name())
        .put("asset", view.asset().code())
        .put("amount", view.asset().decimal(view.amount()))
        .put("status", view.status().name())
        .put("failureReason", Enums.name(view.failureReason()))
        .put("balanceAfter", view.balanceAfter() == null ? null : view.asset().decimal(view.balanceAfter()))
        .put("acceptedAt", Timestamps.format(view.acceptedAt()))
        .put("processedAt", Timestamps.format(view.processedAt()))
        .put("requestedBy", view.requestedBy())
        .put("metadata", io.walletplatform.common.json.Metadata.orEmpty(view.metadata()));
    if (view.toWalletId() != null) {
      json.put("toWalletId", view.toWalletId().toString());
    }
    if (view.fromWalletId() != null) {
      json.put("fromWalletId", view.fromWalletId().toString());
    }
    if (view.holdId() != null) {
      json.put("holdId", view.holdId().toString());
    }
    if (view.expiresAt() != null) {
      json.put("expiresAt", Timestamps.format(view.expiresAt()));
    }
    if (view.transactionId() != null) {
      json.put("transactionId", view.transactionId().toString());
    }
    if (view.operationType() == OperationType.HOLD && view.holdStatus() != null) {
      json.put("holdStatus", view.holdStatus().name());
    }
    return json;
  }
}
