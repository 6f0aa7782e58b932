package io.walletplatform.common.util;

import java.util.UUID;

/**
 * The one parser of identifiers that name a principal, a user or a client: a UUID in canonical
 * form (8-4-4-4-12 lower-case hexadecimal), or nothing. {@link UUID#fromString} alone also takes
 * {@code 1-1-1-1-1} and upper case, so two spellings would name one user.
 */
public final class Uuids {

  private Uuids() {
  }

  /** The UUID {@code text} spells canonically, or {@code null}. */
  public static UUID canonical(String text) {
    if (text == null || text.length() != 36) {
      return null;
    }
    try {
      UUID id = UUID.fromString(text);
      return id.toString().equals(text) ? id : null;
    } catch (IllegalArgumentException notAUuid) {
      return null;
    }
  }
}
