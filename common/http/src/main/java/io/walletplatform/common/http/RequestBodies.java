package io.walletplatform.common.http;

import io.walletplatform.common.errors.FieldError;
import io.walletplatform.common.errors.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.json.Metadata;
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

  /**
   * An optional amount in a query ({@code ?minAmount=10.50}): a plain decimal, zero or greater, at most
   * 1000000000, at most {@link Asset#MAX_PRECISION} fractional digits; {@code null} when absent.
   */
  public static BigDecimal queryDecimal(RoutingContext ctx, String field) {
    String text = ctx.queryParams().get(field);
    if (text == null) {
      return null;
    }
    BigDecimal value;
    try {
      value = text.length() > 40 ? null : new BigDecimal(text);
    } catch (NumberFormatException e) {
      value = null;
    }
    if (value == null || value.signum() < 0) {
      throw ProblemException.validation(field, "must be a decimal amount, zero or greater");
    }
    return bounded(field, value);
  }

  /** A decimal in minor units of {@code scale} fractional digits; 400 naming the field when it has more. */
  public static long minor(BigDecimal amount, int scale, String field) {
    if (amount.stripTrailingZeros().scale() > scale) {
      throw ProblemException.validation(field, "must have at most " + scale + " fractional digits");
    }
    return Money.of(amount, scale).minor();
  }

  /** An RFC 3339 timestamp (any offset), or {@code null} when absent; between 2000 and 9999. */
  public static java.time.Instant instant(String text, String field) {
    if (text == null) {
      return null;
    }
    java.time.Instant instant;
    try {
      instant = java.time.OffsetDateTime.parse(text).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw ProblemException.validation(field, "must be an RFC 3339 timestamp");
    }
    if (instant.isBefore(io.walletplatform.common.json.Timestamps.EARLIEST)
        || instant.isAfter(io.walletplatform.common.json.Timestamps.LATEST)) {
      throw ProblemException.validation(field, "must be between " + io.walletplatform.common.json.Timestamps.EARLIEST
          + " and " + io.walletplatform.common.json.Timestamps.LATEST);
    }
    return instant;
  }

  /** An optional RFC 3339 timestamp in the query, as {@link #instant(String, String)} reads it. */
  public static java.time.Instant queryInstant(RoutingContext ctx, String field) {
    return instant(ctx.queryParams().get(field), field);
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

  /**
   * Optional metadata ({@link Metadata}: at most 20 string members, names 1 to 40 characters, values up
   * to 500); {@code null} when absent, null or empty.
   */
  public static JsonObject metadata(JsonNode body, String field) {
    try {
      return Metadata.of(body.get(field));
    } catch (Metadata.Invalid e) {
      throw ProblemException.validation(e.member().isEmpty() ? field : field + "." + e.member(), e.getMessage());
    }
  }

  /** A list request's metadata filter ({@code ?metadata[name]=value}, ANDed), {@code null} when it names none. */
  public static JsonObject metadataFilter(io.vertx.core.MultiMap query) {
    try {
      return Metadata.filter(query);
    } catch (Metadata.Invalid e) {
      throw ProblemException.validation(e.member().isEmpty() ? "metadata" : e.member(), e.getMessage());
    }
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
    return Metadata.storable(text);
  }
}
