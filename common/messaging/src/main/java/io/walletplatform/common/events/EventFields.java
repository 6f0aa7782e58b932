package io.walletplatform.common.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.Json;
import io.walletplatform.common.json.Timestamps;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Strict reading of event fields: anything malformed is an {@link InvalidRecordException} naming the field. */
public final class EventFields {

  /** Reads one member's object or array: the mapper's rules, but the record goes on after it. */
  private static final ObjectReader SUBTREE = Json.MAPPER.readerFor(JsonNode.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

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

  /**
   * The values of the members {@code names} (null where absent), read from a record's value as it streams,
   * without a tree of the whole object: a string, whole number, boolean or null becomes the mapper's node for
   * it (a whole number a {@code LongNode} where it fits), a decimal, object or array the tree's; other members
   * are skipped. The rules are {@link #object}'s: malformed JSON, a repeated member or anything after the
   * object is "not valid JSON", a value that is not an object is said to be so. A fifth cheaper than the tree
   * for an operation record (docs/benchmarks.md, #33).
   */
  public static JsonNode[] members(byte[] value, String... names) {
    if (value == null) {
      throw new InvalidRecordException("record has no value");
    }
    JsonNode[] values = new JsonNode[names.length];
    try (JsonParser parser = Json.MAPPER.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidRecordException("value is not a JSON object");
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        int index = indexOf(names, name);
        JsonToken start = parser.nextToken();
        if (index < 0) {
          parser.skipChildren();
        } else {
          values[index] = node(parser, start);
        }
      }
      if (parser.nextToken() != null) {
        throw new InvalidRecordException("not valid JSON: content after the object");
      }
    } catch (IOException e) {
      throw new InvalidRecordException("not valid JSON: " + e.getMessage());
    }
    return values;
  }

  /** Reads a member's value into a node; its subtree is read with the same numbers the tree would have. */
  private static JsonNode node(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? NODES.numberNode(parser.getBigIntegerValue()) : NODES.numberNode(parser.getLongValue());
      case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(token == JsonToken.VALUE_TRUE);
      case VALUE_NULL -> NODES.nullNode();
      default -> SUBTREE.readTree(parser);  // an object, an array, a decimal (normalised as the tree does)
    };
  }

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public static String text(JsonNode node, String field) {
    return text(field, node.get(field));
  }

  /** A member's value (null: absent) that must be a string. */
  public static String text(String field, JsonNode value) {
    if (value == null || !value.isTextual()) {
      throw new InvalidRecordException(field + " must be a string");
    }
    return value.textValue();
  }

  public static String optionalText(JsonNode node, String field) {
    return optionalText(field, node.get(field));
  }

  public static String optionalText(String field, JsonNode value) {
    return value == null || value.isNull() ? null : text(field, value);
  }

  /** A principal's sub (1 to 255 characters), or {@code null} when absent. */
  public static String optionalPrincipal(JsonNode node, String field) {
    return optionalPrincipal(field, node.get(field));
  }

  public static String optionalPrincipal(String field, JsonNode member) {
    String value = optionalText(field, member);
    if (value != null && (value.isEmpty() || value.length() > 255)) {
      throw new InvalidRecordException(field + " must be 1 to 255 characters");
    }
    return value;
  }

  /** Metadata under the rules of {@link io.walletplatform.common.json.Metadata}, {@code null} when absent or empty. */
  public static io.vertx.core.json.JsonObject optionalMetadata(JsonNode node, String field) {
    return optionalMetadata(field, node.get(field));
  }

  public static io.vertx.core.json.JsonObject optionalMetadata(String field, JsonNode value) {
    try {
      return io.walletplatform.common.json.Metadata.of(value);
    } catch (io.walletplatform.common.json.Metadata.Invalid e) {
      throw new InvalidRecordException(field + (e.member().isEmpty() ? "" : "." + e.member()) + " " + e.getMessage());
    }
  }

  public static UUID uuid(JsonNode node, String field) {
    return uuid(field, node.get(field));
  }

  public static UUID uuid(String field, JsonNode value) {
    try {
      return UUID.fromString(text(field, value));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(field + " must be a UUID");
    }
  }

  public static UUID optionalUuid(JsonNode node, String field) {
    return optionalUuid(field, node.get(field));
  }

  public static UUID optionalUuid(String field, JsonNode value) {
    return value == null || value.isNull() ? null : uuid(field, value);
  }

  /** An amount that must be absent, null or zero (a VOID's): 0. */
  public static long optionalMinor(JsonNode node, String field) {
    return optionalMinor(field, node.get(field));
  }

  public static long optionalMinor(String field, JsonNode value) {
    if (value == null || value.isNull() || (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() == 0)) {
      return 0;
    }
    throw new InvalidRecordException(field + " must be absent or 0");
  }

  public static long positiveMinor(JsonNode node, String field, long max) {
    return positiveMinor(field, node.get(field), max);
  }

  public static long positiveMinor(String field, JsonNode value, long max) {
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
        || value.longValue() <= 0 || value.longValue() > max) {
      throw new InvalidRecordException(field + " must be a whole number of minor units, > 0 and <= " + max);
    }
    return value.longValue();
  }

  public static Instant instant(JsonNode node, String field) {
    return instant(field, node.get(field));
  }

  public static Instant instant(String field, JsonNode value) {
    Instant instant;
    try {
      instant = Timestamps.parse(text(field, value));
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException(field + " must be an RFC 3339 timestamp");
    }
    if (instant.isBefore(Timestamps.EARLIEST) || instant.isAfter(Timestamps.LATEST)) {
      throw new InvalidRecordException(field + " must be between " + Timestamps.EARLIEST + " and " + Timestamps.LATEST);
    }
    return instant;
  }
}
