package io.walletplatform.common.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimestampsTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void formatsLikeTheIsoFormatterToTheMillisecond() {
    SplittableRandom random = new SplittableRandom(7);
    long from = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochMilli(random.nextLong(from, to + 1)).plusNanos(random.nextInt(1_000_000));
      assertEquals(REFERENCE.format(instant), Timestamps.format(instant), instant::toString);
    }
  }

  @Test
  void edgesAndYearsBeyondFourDigits() {
    for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2024-02-29T12:00:00.5Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-06-01T00:00:00Z"}) {
      Instant instant = Instant.parse(text);
      assertEquals(REFERENCE.format(instant), Timestamps.format(instant), text);
    }
    assertEquals("2026-11-21T08:09:10.007Z", Timestamps.format(Instant.parse("2026-11-21T08:09:10.007999Z")));
    assertNull(Timestamps.format(null));
  }

  @Test
  void readsBackWhatItWrites() {
    Instant now = Timestamps.now();
    assertEquals(now, Instant.parse(Timestamps.format(now)));
  }

  @Test
  void parsesWhatItWritesAsInstantParseDoes() {
    SplittableRandom random = new SplittableRandom(11);
    long from = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 100_000; i++) {
      String text = Timestamps.format(Instant.ofEpochMilli(random.nextLong(from, to + 1)));
      assertEquals(Instant.parse(text), Timestamps.parse(text), text);
    }
  }

  @Test
  void anyOtherFormOrAnImpossibleDateIsLeftToInstantParse() {
    // Other forms it accepts alike; impossible values it refuses alike (the fast path never takes them).
    for (String text : new String[] {"2026-12-06T09:05:00Z", "2026-12-06T09:05:00.123456Z", "2024-02-29T23:59:59.999Z",
        "2026-12-06T23:59:60.000Z", "2026-12-06T24:00:00.000Z", "+10000-01-01T00:00:00Z", "2026-12-06t09:05:00.000z"}) {
      Object expected;
      try {
        expected = Instant.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        expected = e.getClass();
      }
      Object actual;
      try {
        actual = Timestamps.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        actual = e.getClass();
      }
      assertEquals(expected, actual, text);
    }
    for (String text : new String[] {"2023-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-13-01T00:00:00.000Z",
        "2026-00-01T00:00:00.000Z", "2026-12-00T00:00:00.000Z", "2026-12-06T25:00:00.000Z", "2026-12-06T09:60:00.000Z",
        "2026-12-06T09:05:61.000Z", "2026-1a-06T09:05:00.000Z", "2026-12-06T09:05:00.-12Z", "2026-12-06 09:05:00.000Z",
        "2026-12-06T09:05:00.000+"}) {
      assertThrows(java.time.format.DateTimeParseException.class, () -> Timestamps.parse(text), text);
    }
  }
}
