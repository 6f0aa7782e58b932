package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operation record on the operations topic, read back as written; the metadata rules hold on a record too. */
class WalletOperationEventTest {

  @Test
  void anOperationTypeIsReadByItsExactNameAsValueOfReadsIt() {
    for (OperationType type : OperationType.values()) {
      assertEquals(type, OperationType.of(type.name()));
    }
    for (String other : new String[] {"deposit", "Deposit", "DEPOSIT ", "", "EXPIRE", "VOID\u0000"}) {
      assertThrows(IllegalArgumentException.class, () -> OperationType.valueOf(other), other);
      assertThrows(IllegalArgumentException.class, () -> OperationType.of(other), other);
    }
  }

  @Test
  void anOperationRecordCarriesItsMetadataAndARecordBreakingTheRulesIsInvalid() {
    JsonObject metadata = new JsonObject().put("order", "A-1 ü");
    WalletOperationEvent event = new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.DEPOSIT,
        Money.ofMinor(100), Instant.parse("2026-12-05T10:00:00Z"), "someone", null, null, null, false, metadata);
    WalletOperationEvent read = WalletOperationEvent.decode(event.encode().getBytes(StandardCharsets.UTF_8));
    assertEquals(event, read);
    assertEquals(metadata, read.metadata());
    WalletOperationEvent plain = new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.DEPOSIT,
        Money.ofMinor(100), Instant.parse("2026-12-05T10:00:00Z"), "someone");
    assertFalse(plain.encode().contains("metadata"), "a record without metadata is as it was");
    JsonObject tooMany = new JsonObject(event.encode());
    JsonObject members = new JsonObject();
    for (int i = 0; i < 21; i++) {
      members.put("k" + i, "v");
    }
    tooMany.put("metadata", members);
    InvalidRecordException invalid = assertThrows(InvalidRecordException.class,
        () -> WalletOperationEvent.decode(tooMany.encode().getBytes(StandardCharsets.UTF_8)));
    assertTrue(invalid.getMessage().startsWith("metadata"), invalid.getMessage());
  }

  @Test
  void theRecordIsTheTextOfItsMembersAsAnObjectAndReadsBackForEveryType() {
    Instant at = Instant.parse("2026-12-06T19:30:00.123Z");
    UUID related = UUID.randomUUID();
    List<WalletOperationEvent> events = List.of(
        new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.DEPOSIT, Money.ofMinor(1), at, "c1"),
        new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.WITHDRAW, Money.MAX_AMOUNT,
            at, null),
        new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.TRANSFER, Money.ofMinor(5), at,
            "admin \"quoted\" \\ \u0001", related, null, null, false, new JsonObject().put("k", "v\u2028")),
        new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.HOLD, Money.ofMinor(5), at, "c1",
            null, null, at.plusSeconds(3600), false, null),
        new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.CAPTURE, Money.ofMinor(5), at, "c1",
            null, related, null, false, null),
        new WalletOperationEvent(UUID.randomUUID(), UUID.randomUUID(), OperationType.VOID, Money.ofMinor(0), at,
            WalletOperationEvent.PLATFORM, null, related, null, true, null));
    for (WalletOperationEvent event : events) {
      JsonObject members = new JsonObject()
          .put("operationId", event.operationId().toString())
          .put("walletId", event.walletId().toString())
          .put("operationType", event.operationType().name())
          .put("amountMinor", event.amount().minor())
          .put("acceptedAt", "2026-12-06T19:30:00.123Z")
          .put("requestedBy", event.requestedBy());
      if (event.toWalletId() != null) {
        members.put("toWalletId", event.toWalletId().toString());
      }
      if (event.holdId() != null) {
        members.put("holdId", event.holdId().toString());
      }
      if (event.expiresAt() != null) {
        members.put("expiresAt", "2026-12-06T20:30:00.123Z");
      }
      if (event.expiry()) {
        members.put("expiry", true);
      }
      if (event.metadata() != null) {
        members.put("metadata", event.metadata());
      }
      assertEquals(members.encode(), event.encode());
      assertEquals(event, WalletOperationEvent.decode(event.encode().getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aMalformedRecordIsRefusedNamingTheMember() {
    String id = UUID.randomUUID().toString();
    String good = "{\"operationId\":\"" + id + "\",\"walletId\":\"" + id + "\",\"operationType\":\"DEPOSIT\","
        + "\"amountMinor\":5,\"acceptedAt\":\"2026-12-06T19:30:00.123Z\",\"requestedBy\":\"c1\"}";
    assertEquals(5, WalletOperationEvent.decode(good.getBytes(StandardCharsets.UTF_8)).amount().minor());
    String unknown = good.replace("{", "{\"later\":{\"x\":[1,2]},");
    assertEquals(WalletOperationEvent.decode(good.getBytes(StandardCharsets.UTF_8)),
        WalletOperationEvent.decode(unknown.getBytes(StandardCharsets.UTF_8)), "a member it does not know is ignored");
    String[][] cases = {
        {"\"amountMinor\":5", "\"amountMinor\":5.0", "amountMinor must be a whole number"},
        {"\"amountMinor\":5", "\"amountMinor\":\"5\"", "amountMinor must be a whole number"},
        {"\"amountMinor\":5", "\"amountMinor\":99999999999999999999", "amountMinor must be a whole number"},
        {"\"amountMinor\":5", "\"amountMinor\":0", "amountMinor must be a whole number"},
        {"\"amountMinor\":5", "\"amountMinor\":5,\"amountMinor\":6", "not valid JSON"},
        {"\"operationType\":\"DEPOSIT\"", "\"operationType\":\"deposit\"", "operationType must be one of"},
        {"\"operationType\":\"DEPOSIT\"", "\"operationType\":null", "operationType must be a string"},
        {"\"requestedBy\":\"c1\"", "\"requestedBy\":\"\"", "requestedBy must be 1 to 255"},
        {"\"requestedBy\":\"c1\"", "\"requestedBy\":7", "requestedBy must be a string"},
        {"\"acceptedAt\":\"2026-12-06T19:30:00.123Z\"", "\"acceptedAt\":\"yesterday\"", "acceptedAt must be an RFC 3339"},
        {"\"walletId\":\"" + id + "\"", "\"walletId\":\"x\"", "walletId must be a UUID"},
        {"\"walletId\":\"" + id + "\"", "\"walletId\":{}", "walletId must be a string"},
        {"\"requestedBy\":\"c1\"", "\"requestedBy\":\"c1\",\"expiry\":\"yes\"", "expiry must be a boolean"},
        {"\"requestedBy\":\"c1\"", "\"requestedBy\":\"c1\",\"holdId\":\"" + id + "\"", "inconsistent"},
        {"\"requestedBy\":\"c1\"", "\"requestedBy\":\"c1\",\"metadata\":[1]", "metadata"},
        {"}", "}{}", "not valid JSON"},
    };
    for (String[] c : cases) {
      String bad = good.replace(c[0], c[1]);
      InvalidRecordException refused = assertThrows(InvalidRecordException.class,
          () -> WalletOperationEvent.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
      assertTrue(refused.getMessage().contains(c[2]), bad + " -> " + refused.getMessage());
    }
  }
}
