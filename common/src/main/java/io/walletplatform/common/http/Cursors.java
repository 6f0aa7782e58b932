package io.walletplatform.common.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque list cursors: the id of the last row of a page, base64url-encoded. */
public final class Cursors {

  private Cursors() {
  }

  public static String encode(long lastId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Long.toString(lastId).getBytes(StandardCharsets.US_ASCII));
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
}
