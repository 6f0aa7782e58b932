package io.walletplatform.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.Json;
import io.walletplatform.common.json.Timestamps;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Strict reading of event fields: anything malformed is an {@link InvalidRecordException} naming the field. */
public final class EventFields {

  private EventFields() {
  }

  public static JsonNode object(byte[] value) {
    if (value == null) {
      throw new InvalidRecordException("record has no value");
    }
    JsonNode node;
    try {
      node = Json.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(e.getMessage());
    }
    if (!node.isObject()) {
      throw new InvalidRecordException("value is not a JSON object");
    }
    return node;
  }

  public static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidRecordException(field + " must be a string");
    }
    return value.textValue();
  }

  public static String optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : text(node, field);
  }

  /** A principal's sub (1 to 255 characters), or {@code null} when absent. */
  public static String optionalPrincipal(JsonNode node, String field) {
    String value = optionalText(node, field);
    if (value != null && (value.isEmpty() || value.length() > 255)) {
      throw new InvalidRecordException(field + " must be 1 to 255 characters");
    }
    return value;
  }

  /** Metadata under the rules of {@link io.walletplatform.common.json.Metadata}, {@code null} when absent or empty. */
  public static io.vertx.core.json.JsonObject optionalMetadata(JsonNode node, String field) {
    try {
      return io.walletplatform.common.json.Metadata.of(node.get(field));
    } catch (io.walletplatform.common.json.Metadata.Invalid e) {
      throw new InvalidRecordException(field + (e.member().isEmpty() ? "" : "." + e.member()) + " " + e.getMessage());
    }
  }

  public static UUID uuid(JsonNode node, String field) {
    try {
      return UUID.fromString(text(node, field));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(field + " must be a UUID");
    }
  }

  public static UUID optionalUuid(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : uuid(node, field);
  }

  /** An amount that must be absent, null or zero (a VOID's): 0. */
  public static long optionalMinor(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() == 0)) {
      return 0;
    }
    throw new InvalidRecordException(field + " must be absent or 0");
  }

  public static long positiveMinor(JsonNode node, String field, long max) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
        || value.longValue() <= 0 || value.longValue() > max) {
      throw new InvalidRecordException(field + " must be a whole number of minor units, > 0 and <= " + max);
    }
    return value.longValue();
  }

  public static Instant instant(JsonNode node, String field) {
    Instant instant;
    try {
      instant = Timestamps.parse(text(node, field));
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException(field + " must be an RFC 3339 timestamp");
    }
    if (instant.isBefore(Timestamps.EARLIEST) || instant.isAfter(Timestamps.LATEST)) {
      throw new InvalidRecordException(field + " must be between " + Timestamps.EARLIEST + " and " + Timestamps.LATEST);
    }
    return instant;
  }
}
