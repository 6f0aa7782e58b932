package io.walletplatform.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Metadata a client attaches to a wallet, an operation, an order or an account: an object of at most
 * {@link #MEMBERS} string members, names 1 to {@link #NAME} characters, values up to {@link #VALUE},
 * none with a NUL or an unpaired surrogate (PostgreSQL's jsonb keeps neither). Written once, never
 * changed. {@code null} stands for none, and an empty object is none.
 *
 * <p>The same rules read a request body, a Kafka record and a list's filter
 * ({@code ?metadata[name]=value}, several ANDed): a record that breaks them is refused like any
 * malformed record, a filter that breaks them is a 400.
 */
public final class Metadata {

  public static final int MEMBERS = 20;
  public static final int NAME = 40;
  public static final int VALUE = 500;

  /** What is wrong with some metadata: the member (or the whole, {@code ""}) and why. */
  public static final class Invalid extends IllegalArgumentException {
    private final String member;

    Invalid(String member, String message) {
      super(message);
      this.member = member;
    }

    /** The member at fault, {@code ""} for the object itself. */
    public String member() {
      return member;
    }
  }

  private Metadata() {
  }

  /** The metadata {@code node} holds, {@code null} for none (absent, null or empty); {@link Invalid} if it breaks a rule. */
  public static JsonObject of(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject() || node.size() > MEMBERS) {
      throw new Invalid("", "must be an object of at most " + MEMBERS + " members");
    }
    JsonObject metadata = new JsonObject();
    var members = node.fields();
    while (members.hasNext()) {
      var member = members.next();
      JsonNode value = member.getValue();
      if (!value.isTextual()) {
        throw new Invalid(member.getKey(), "must be a string of at most " + VALUE + " characters");
      }
      put(metadata, member.getKey(), value.textValue());
    }
    return metadata.isEmpty() ? null : metadata;
  }

  /**
   * The filter a list request names: every {@code metadata[name]=value} query parameter, ANDed
   * ({@code null} when there is none). A name given twice, or a parameter that is not of that form
   * ({@code metadata}, {@code metadata[]}), breaks a rule; {@link Invalid#member()} is then the query
   * parameter at fault ({@code ""}: the filter as a whole).
   */
  public static JsonObject filter(MultiMap query) {
    JsonObject filter = null;
    for (Map.Entry<String, String> parameter : query) {
      String name = parameter.getKey();
      if (!name.startsWith("metadata")) {
        continue;
      }
      if (name.length() < "metadata[]".length() + 1 || name.charAt(8) != '[' || !name.endsWith("]")) {
        throw new Invalid(name, "a metadata filter is metadata[name]=value, name 1 to " + NAME + " characters");
      }
      String member = name.substring(9, name.length() - 1);
      if (filter == null) {
        filter = new JsonObject();
      }
      if (filter.containsKey(member)) {
        throw new Invalid(name, "is named twice in the filter");
      }
      try {
        put(filter, member, parameter.getValue());
      } catch (Invalid e) {
        throw new Invalid(name, e.getMessage());
      }
      if (filter.size() > MEMBERS) {
        throw new Invalid("", "a filter names at most " + MEMBERS + " members");
      }
    }
    return filter;
  }

  /** Whether two metadata are the same (either {@code null} or empty meaning none). */
  public static boolean same(JsonObject one, JsonObject other) {
    boolean noOne = one == null || one.isEmpty();
    boolean noOther = other == null || other.isEmpty();
    return noOne || noOther ? noOne == noOther : one.equals(other);
  }

  /** The metadata as a JSON member is written: an object, empty for none. */
  public static JsonObject orEmpty(JsonObject metadata) {
    return metadata == null ? new JsonObject() : metadata;
  }

  private static void put(JsonObject metadata, String name, String value) {
    if (name.isEmpty() || name.length() > NAME || !storable(name)) {
      throw new Invalid("", "member names must be 1 to " + NAME + " characters, without NUL or unpaired surrogates");
    }
    if (value.length() > VALUE || !storable(value)) {
      throw new Invalid(name, "must be a string of at most " + VALUE
          + " characters, without NUL or unpaired surrogates");
    }
    metadata.put(name, value);
  }

  /** Text that PostgreSQL and every reader keep exactly: no NUL, and every surrogate paired. */
  public static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
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
