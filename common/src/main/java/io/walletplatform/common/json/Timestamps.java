package io.walletplatform.common.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps in UTC with millisecond precision, as every response and event writes them. */
public final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {
  }

  /**
   * Formats by hand: every accepted operation is stamped, and {@link DateTimeFormatter} with a zone
   * allocated a new {@code ZoneRules} and several strings per call, the platform's largest source of
   * garbage on the accept path. Years outside 0000–9999 keep the formatter's spelling.
   */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    long epochMilli = instant.toEpochMilli();
    LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMilli, 1000L),
        (int) Math.floorMod(epochMilli, 1000L) * 1_000_000, ZoneOffset.UTC);
    int year = time.getYear();
    if (year < 0 || year > 9999) {
      return FORMAT.format(instant);
    }
    char[] text = new char[24];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, time.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, time.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, time.getHour(), 2);
    text[13] = ':';
    digits(text, 14, time.getMinute(), 2);
    text[16] = ':';
    digits(text, 17, time.getSecond(), 2);
    text[19] = '.';
    digits(text, 20, time.getNano() / 1_000_000, 3);
    text[23] = 'Z';
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Now, truncated to what a timestamp carries, so a value read back equals the one written. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
