package io.walletplatform.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A list's metadata filter ({@code ?metadata[name]=value}, several ANDed), written by hand: the
 * generator's native Java library cannot write a deepObject query parameter whose schema is a map, so
 * the contract's {@code MetadataFilter} schema is mapped to this class (clients/java/pom.xml).
 */
public final class MetadataFilter {

  private final Map<String, String> members = new LinkedHashMap<>();

  /** The rows whose metadata has {@code name} with exactly {@code value} (and whatever else is asked). */
  public MetadataFilter put(String name, String value) {
    members.put(name, value);
    return this;
  }

  public Map<String, String> members() {
    return Map.copyOf(members);
  }

  /** The filter as its query string: {@code prefix[name]=value&...}, each part URL-encoded. */
  public String toUrlQueryString(String prefix) {
    StringJoiner query = new StringJoiner("&");
    members.forEach((name, value) -> query.add(encode(prefix + "[" + name + "]") + "=" + encode(value)));
    return query.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
