package io.walletplatform.common.util;

/**
 * Enums where they meet text (SQL columns, JSON members): a nullable column or member is a nullable
 * constant. Unknown text is a bug of whoever wrote it (the schemas hold the same names), so it throws.
 */
public final class Enums {

  private Enums() {
  }

  /** The constant named {@code text}, or {@code null} for {@code null}. */
  public static <E extends Enum<E>> E of(Class<E> type, String text) {
    return text == null ? null : Enum.valueOf(type, text);
  }

  /**
   * The constant named {@code text}; {@code null} when text is {@code null} or names none: for what came
   * from outside (a Kafka record), where unknown text is the record's error, not ours.
   */
  public static <E extends Enum<E>> E known(Class<E> type, String text) {
    if (text == null) {
      return null;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(text)) {
        return constant;
      }
    }
    return null;
  }

  /** The constant's name, or {@code null} for {@code null}. */
  public static String name(Enum<?> constant) {
    return constant == null ? null : constant.name();
  }
}
