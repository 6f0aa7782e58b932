package io.walletplatform.common.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps in UTC with millisecond precision, as every response and event writes them. */
public final class Timestamps {

  /** The earliest and latest instants a request or an event may carry: what every reader, PostgreSQL's timestamptz among them, stores exactly. */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

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

  /**
   * Parses an RFC 3339 timestamp as {@link Instant#parse} does, reading the form {@link #format}
   * writes ({@code 2026-12-06T09:05:00.123Z}) by hand: the worker reads one per operation record, and
   * {@code Instant.parse}'s general parser was 4.6 % of the hot wallet's allocation (issue #33). Any other
   * form, and any value the fast path finds out of range, goes to {@code Instant.parse}, which accepts
   * or refuses it as before.
   *
   * @throws java.time.format.DateTimeParseException as {@code Instant.parse} does
   */
  public static Instant parse(String text) {
    if (text.length() == 24 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
        && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == '.' && text.charAt(23) == 'Z') {
      int year = number(text, 0, 4);
      int month = number(text, 5, 2);
      int day = number(text, 8, 2);
      int hour = number(text, 11, 2);
      int minute = number(text, 14, 2);
      int second = number(text, 17, 2);
      int milli = number(text, 20, 3);
      if ((year | month | day | hour | minute | second | milli) >= 0 && month >= 1 && month <= 12 && day >= 1
          && day <= java.time.Month.of(month).length(java.time.Year.isLeap(year)) && hour <= 23 && minute <= 59 && second <= 59) {
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, milli * 1_000_000L);
      }
    }
    return Instant.parse(text);
  }

  /** The decimal number of {@code width} ASCII digits at {@code at}; -1 when one is not a digit. */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Now, truncated to what a timestamp carries, so a value read back equals the one written. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
