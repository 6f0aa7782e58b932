package io.walletplatform.common.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
