package io.walletplatform.common.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Json;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The value of a {@code wallet.operations} record: one accepted operation, keyed by wallet id.
 * {@link #decode(byte[])} checks every field, so whatever the worker applies was well formed.
 */
public record WalletOperationEvent(UUID operationId, UUID walletId, OperationType operationType, Money amount,
                                   Instant acceptedAt) {

  public static final String EVENT_TYPE = "WalletOperationAccepted";

  public enum OperationType { DEPOSIT, WITHDRAW }

  public String encode() {
    return new JsonObject()
        .put("operationId", operationId.toString())
        .put("walletId", walletId.toString())
        .put("operationType", operationType.name())
        .put("amountMinor", amount.minor())
        .put("acceptedAt", Timestamps.format(acceptedAt))
        .encode();
  }

  /** Decodes a record value; anything malformed is an {@link IllegalArgumentException} naming the field. */
  public static WalletOperationEvent decode(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("record has no value");
    }
    JsonNode node = Json.parse(value);
    if (!node.isObject()) {
      throw new IllegalArgumentException("value is not a JSON object");
    }
    UUID operationId = uuid(node, "operationId");
    UUID walletId = uuid(node, "walletId");
    OperationType type;
    try {
      type = OperationType.valueOf(text(node, "operationType"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("operationType must be DEPOSIT or WITHDRAW");
    }
    JsonNode amount = node.get("amountMinor");
    if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong()) {
      throw new IllegalArgumentException("amountMinor must be a whole number of minor units");
    }
    Money money = Money.ofMinor(amount.longValue());
    if (!money.isPositive() || money.compareTo(Money.MAX_AMOUNT) > 0) {
      throw new IllegalArgumentException("amountMinor must be > 0 and <= " + Money.MAX_AMOUNT.minor());
    }
    Instant acceptedAt;
    try {
      acceptedAt = Instant.parse(text(node, "acceptedAt"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("acceptedAt must be an RFC 3339 timestamp");
    }
    return new WalletOperationEvent(operationId, walletId, type, money, acceptedAt);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return value.textValue();
  }

  private static UUID uuid(JsonNode node, String field) {
    try {
      return UUID.fromString(text(node, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be a UUID");
    }
  }
}
