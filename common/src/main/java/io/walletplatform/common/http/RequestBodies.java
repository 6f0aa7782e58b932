package io.walletplatform.common.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.json.Json;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads fields of a JSON request body exactly. The OpenAPI validator has already checked the
 * shape; money is read again from the body text because the validator's numbers are doubles.
 */
public final class RequestBodies {

  private RequestBodies() {
  }

  /** The body as a JSON tree with exact decimals; an absent or empty body is an empty object. */
  public static JsonNode object(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = Json.parse(ctx.body().buffer().getBytes());
    } catch (IllegalArgumentException e) {
      throw new ProblemException(400, "MALFORMED_JSON", "Malformed JSON", "the request body is not valid JSON",
          List.of(new FieldError("body", "is not valid JSON")), Map.of());
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Json.MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw ProblemException.validation("body", "must be a JSON object");
    }
    return node;
  }

  /**
   * A money field: a JSON number with at most two fractional digits, {@code > 0} (or {@code >= 0}
   * when zero is allowed) and at most {@link Money#MAX_AMOUNT}.
   */
  public static Money amount(JsonNode body, String field, boolean zeroAllowed) {
    try {
      return Money.of(decimal(body, field, zeroAllowed));
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation(field, e.getMessage());
    }
  }

  /**
   * A money field of an asset not known yet: a JSON number {@code > 0} (or {@code >= 0} when zero is
   * allowed), at most 1,000,000,000 units, with at most {@link Asset#MAX_PRECISION} fractional digits.
   * Whether the asset allows its digits is for whoever knows the asset.
   */
  public static BigDecimal decimal(JsonNode body, String field, boolean zeroAllowed) {
    BigDecimal value = number(body, field);
    int sign = value.signum();
    if (sign < 0 || (sign == 0 && !zeroAllowed)) {
      throw ProblemException.validation(field, zeroAllowed ? "must be zero or greater" : "must be greater than 0");
    }
    return bounded(field, value);
  }

  /** A money field that may be negative (a threshold under zero, say): at most 1000000000 either way. */
  public static BigDecimal signedDecimal(JsonNode body, String field) {
    return bounded(field, number(body, field));
  }

  /** The field's required JSON number, exactly. */
  private static BigDecimal number(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw ProblemException.validation(field, "is required");
    }
    if (!node.isNumber()) {
      throw ProblemException.validation(field, "must be a number");
    }
    return node.isBigDecimal() ? node.decimalValue() : new BigDecimal(node.isBigInteger() ? node.bigIntegerValue() : BigInteger.valueOf(node.longValue()));
  }

  /** At most 1000000000 units either way, at most {@link Asset#MAX_PRECISION} fractional digits. */
  private static BigDecimal bounded(String field, BigDecimal value) {
    if (value.abs().compareTo(Asset.MAX_UNITS) > 0) {
      throw ProblemException.validation(field, "must be at most 1000000000");
    }
    if (value.stripTrailingZeros().scale() > Asset.MAX_PRECISION) {
      throw ProblemException.validation(field, "must have at most " + Asset.MAX_PRECISION + " fractional digits");
    }
    return value;
  }

  /** At most this many metadata members, names of at most {@link #METADATA_NAME} characters, values of {@link #METADATA_VALUE}. */
  public static final int METADATA_MEMBERS = 20;
  public static final int METADATA_NAME = 40;
  public static final int METADATA_VALUE = 500;

  /** Optional metadata: an object of at most 20 string members (names 1 to 40 characters, values up to 500). */
  public static JsonObject metadata(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject() || node.size() > METADATA_MEMBERS) {
      throw ProblemException.validation(field, "must be an object of at most " + METADATA_MEMBERS + " members");
    }
    JsonObject metadata = new JsonObject();
    var members = node.fields();
    while (members.hasNext()) {
      var member = members.next();
      String name = member.getKey();
      if (name.isEmpty() || name.length() > METADATA_NAME || !storable(name)) {
        throw ProblemException.validation(field, "member names must be 1 to " + METADATA_NAME
            + " characters, without NUL or unpaired surrogates");
      }
      JsonNode value = member.getValue();
      if (!value.isTextual() || value.textValue().length() > METADATA_VALUE || !storable(value.textValue())) {
        throw ProblemException.validation(field + "." + name, "must be a string of at most " + METADATA_VALUE
            + " characters, without NUL or unpaired surrogates");
      }
      metadata.put(name, value.textValue());
    }
    return metadata;
  }

  /** An optional money field of an asset not known yet, {@code >= 0}; absent means zero. */
  public static BigDecimal optionalDecimal(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return BigDecimal.ZERO;
    }
    return decimal(body, field, true);
  }

  /** An optional money field, {@code >= 0}; absent means zero. */
  public static Money optionalAmount(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Money.ZERO;
    }
    return amount(body, field, true);
  }

  public static UUID uuid(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw ProblemException.validation(field, "is required");
    }
    return parseUuid(field, node.isTextual() ? node.textValue() : null);
  }

  public static UUID optionalUuid(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    return parseUuid(field, node.isTextual() ? node.textValue() : null);
  }

  /** A UUID in canonical 8-4-4-4-12 hexadecimal form. */
  public static UUID parseUuid(String field, String text) {
    if (text == null || text.length() != 36) {
      throw ProblemException.validation(field, "must be a UUID");
    }
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation(field, "must be a UUID");
    }
  }

  public static String text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw ProblemException.validation(field, "is required");
    }
    if (!node.isTextual()) {
      throw ProblemException.validation(field, "must be a string");
    }
    String text = node.textValue();
    if (!storable(text)) {
      throw ProblemException.validation(field, "must not contain NUL characters or unpaired surrogates");
    }
    return text;
  }

  /** Text that PostgreSQL and every reader keep exactly: no NUL, and every surrogate paired. */
  static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
