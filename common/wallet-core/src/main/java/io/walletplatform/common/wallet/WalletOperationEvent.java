package io.walletplatform.common.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.events.EventFields;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.JsonText;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.money.Money;

import java.time.Instant;
import java.util.UUID;

/**
 * The value of a {@code wallet.operations} record: one accepted operation, keyed by wallet id.
 * {@link #decode(byte[])} checks every field, so whatever the worker applies was well formed.
 * {@code requestedBy} is the principal that submitted it ({@code null} in records from before
 * authentication). The members after it belong to one type each: {@code toWalletId} to a TRANSFER,
 * {@code holdId} to a CAPTURE or VOID, {@code expiresAt} to a HOLD; {@code expiry} marks the VOID the
 * platform submits for a hold past its {@code expiresAt}. A VOID has no amount (zero). {@code metadata}
 * is what the client attached ({@code null}: none), written only when there is some.
 */
public record WalletOperationEvent(UUID operationId, UUID walletId, OperationType operationType, Money amount,
                                   Instant acceptedAt, String requestedBy, UUID toWalletId, UUID holdId,
                                   Instant expiresAt, boolean expiry, JsonObject metadata) {

  public static final String EVENT_TYPE = "WalletOperationAccepted";
  /** Who requests the release of an expired hold. */
  public static final String PLATFORM = "platform";

  public enum OperationType {
    DEPOSIT, WITHDRAW, TRANSFER, HOLD, CAPTURE, VOID;

    /** Whether an operation of this type names a hold. */
    public boolean settlesHold() {
      return this == CAPTURE || this == VOID;
    }

    /**
     * {@link #valueOf} without its map lookup (a tenth of a per-cent of the hot path's CPU, read on
     * every request and every record): the type of that name, or an {@link IllegalArgumentException}.
     */
    public static OperationType of(String name) {
      return switch (name) {
        case "DEPOSIT" -> DEPOSIT;
        case "WITHDRAW" -> WITHDRAW;
        case "TRANSFER" -> TRANSFER;
        case "HOLD" -> HOLD;
        case "CAPTURE" -> CAPTURE;
        case "VOID" -> VOID;
        default -> throw new IllegalArgumentException("no operation type " + name);
      };
    }
  }

  public WalletOperationEvent {
    boolean wellFormed = switch (operationType) {
      case DEPOSIT, WITHDRAW -> toWalletId == null && holdId == null && expiresAt == null && !expiry;
      case TRANSFER -> toWalletId != null && !toWalletId.equals(walletId) && holdId == null && expiresAt == null
          && !expiry;
      case HOLD -> toWalletId == null && holdId == null && expiresAt != null && !expiry;
      case CAPTURE -> toWalletId == null && holdId != null && expiresAt == null && !expiry;
      case VOID -> toWalletId == null && holdId != null && expiresAt == null;
    };
    if (!wellFormed || (operationType == OperationType.VOID) != (amount.minor() == 0)) {
      throw new IllegalArgumentException("the members of a " + operationType + " are inconsistent");
    }
  }

  /** A DEPOSIT or WITHDRAW. */
  public WalletOperationEvent(UUID operationId, UUID walletId, OperationType operationType, Money amount,
                              Instant acceptedAt, String requestedBy) {
    this(operationId, walletId, operationType, amount, acceptedAt, requestedBy, null, null, null, false, null);
  }

  /** The operation as a record of the operations topic: keyed by its wallet, with its id and type in headers. */
  public io.vertx.kafka.client.producer.KafkaProducerRecord<String, String> record(String topic) {
    return io.vertx.kafka.client.producer.KafkaProducerRecord.create(topic, walletId.toString(), encode())
        .addHeader(io.walletplatform.common.kafka.KafkaClients.EVENT_ID_HEADER, operationId.toString())
        .addHeader(io.walletplatform.common.kafka.KafkaClients.EVENT_TYPE_HEADER, EVENT_TYPE);
  }

  /** The record's value: JSON written member by member (JsonText), read back by {@link #decode}. */
  public String encode() {
    JsonText json = new JsonText(metadata == null ? 256 : 1024)
        .uuid("operationId", operationId)
        .uuid("walletId", walletId)
        .plain("operationType", operationType.name())
        .number("amountMinor", amount.minor())
        .plain("acceptedAt", Timestamps.format(acceptedAt))
        .string("requestedBy", requestedBy);
    if (toWalletId != null) {
      json.uuid("toWalletId", toWalletId);
    }
    if (holdId != null) {
      json.uuid("holdId", holdId);
    }
    if (expiresAt != null) {
      json.plain("expiresAt", Timestamps.format(expiresAt));
    }
    if (expiry) {
      json.bool("expiry", true);
    }
    if (metadata != null) {
      json.raw("metadata", metadata.encode());
    }
    return json.close();
  }

  /** The members a record may have, in the order {@link #decode} reads them. */
  private static final String[] MEMBERS = {"operationType", "amountMinor", "expiry", "operationId", "walletId",
      "acceptedAt", "requestedBy", "toWalletId", "holdId", "expiresAt", "metadata"};

  /**
   * Decodes a record value; anything malformed is an {@link InvalidRecordException} naming the field. Read as
   * it streams ({@link EventFields#members}); other members are ignored.
   */
  public static WalletOperationEvent decode(byte[] value) {
    JsonNode[] m = EventFields.members(value, MEMBERS);
    OperationType type;
    try {
      type = OperationType.of(EventFields.text("operationType", m[0]));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("operationType must be one of DEPOSIT, WITHDRAW, TRANSFER, HOLD, CAPTURE, VOID");
    }
    Money amount = type == OperationType.VOID
        ? Money.ofMinor(EventFields.optionalMinor("amountMinor", m[1]))
        : Money.ofMinor(EventFields.positiveMinor("amountMinor", m[1], Money.MAX_AMOUNT.minor()));
    JsonNode expiry = m[2];
    if (expiry != null && !expiry.isBoolean() && !expiry.isNull()) {
      throw new InvalidRecordException("expiry must be a boolean");
    }
    try {
      return new WalletOperationEvent(EventFields.uuid("operationId", m[3]), EventFields.uuid("walletId", m[4]), type,
          amount, EventFields.instant("acceptedAt", m[5]), EventFields.optionalPrincipal("requestedBy", m[6]),
          EventFields.optionalUuid("toWalletId", m[7]), EventFields.optionalUuid("holdId", m[8]),
          m[9] != null && !m[9].isNull() ? EventFields.instant("expiresAt", m[9]) : null,
          expiry != null && expiry.booleanValue(), EventFields.optionalMetadata("metadata", m[10]));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(e.getMessage());
    }
  }
}
