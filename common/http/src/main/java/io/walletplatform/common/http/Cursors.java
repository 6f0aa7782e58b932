package io.walletplatform.common.http;

import io.walletplatform.common.errors.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque list cursors: the id of the last row of a page (or a pair: a position such as a time in
 * microseconds, then an id), base64url-encoded.
 */
public final class Cursors {

  private Cursors() {
  }

  public static String encode(long lastId) {
    return encode(Long.toString(lastId));
  }

  /** The id a cursor stands for; {@code null} cursor means the first page. */
  public static Long decode(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      long id = Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
      if (id <= 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation("cursor", "is not a cursor this API returned");
    }
  }

  public static String encode(long position, long lastId) {
    return encode(position + ":" + lastId);
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** The position and id a pair cursor stands for; {@code null} cursor means the first page. */
  public static long[] decodePair(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":", -1);
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      long[] pair = {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
      if (pair[1] <= 0) {
        throw new NumberFormatException();
      }
      return pair;
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation("cursor", "is not a cursor this API returned");
    }
  }
}
