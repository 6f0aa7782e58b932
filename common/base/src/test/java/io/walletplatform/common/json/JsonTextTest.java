package io.walletplatform.common.json;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.money.Asset;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JsonText writes the text Jackson writes for the same members, whatever characters a string holds. */
class JsonTextTest {

  @Test
  void everyMemberKindIsWrittenAsJacksonWritesIt() {
    // Asset sets the process's Jackson to write decimals in plain digits: as JsonText writes them.
    assertEquals(2, Asset.USD.precision());
    UUID id = UUID.randomUUID();
    String written = new JsonText(16).uuid("id", id).uuid("none", null).plain("type", "DEPOSIT")
        .number("minor", -42L).number("amount", new BigDecimal("0.00000001")).number("big", new BigDecimal("12345678901234.56"))
        .number("missing", (BigDecimal) null).bool("expiry", true).string("who", "a\"b\\c").string("nobody", null)
        .raw("metadata", "{\"k\":\"v\"}").close();
    JsonObject expected = new JsonObject().put("id", id.toString()).putNull("none").put("type", "DEPOSIT")
        .put("minor", -42L).put("amount", new BigDecimal("0.00000001")).put("big", new BigDecimal("12345678901234.56"))
        .putNull("missing").put("expiry", true).put("who", "a\"b\\c").putNull("nobody")
        .put("metadata", new JsonObject().put("k", "v"));
    assertEquals(expected.encode(), written);
    assertTrue(written.contains("\"amount\":0.00000001,"), written);
    assertEquals("{}", new JsonText(2).close());
  }

  @Test
  void stringsAreEscapedAsJacksonEscapesThemForEveryCharacterClass() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x300; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\uD83D\uDE00 ü €");
    assertSame(all.toString());
    SplittableRandom random = new SplittableRandom(33);
    for (int i = 0; i < 2_000; i++) {
      char[] text = new char[random.nextInt(0, 40)];
      for (int j = 0; j < text.length; j++) {
        // Mostly the characters that need escaping, and some that do not.
        text[j] = (char) (random.nextBoolean() ? random.nextInt(0, 0x40) : random.nextInt(0x40, 0xD7FF));
        if (random.nextInt(8) == 0) {
          text[j] = random.nextBoolean() ? '"' : '\\';
        }
      }
      assertSame(new String(text));
    }
  }

  private static void assertSame(String value) {
    assertEquals(new JsonObject().put("s", value).encode(), new JsonText(8).string("s", value).close(),
        () -> "for " + value.chars().mapToObj(Integer::toHexString).toList());
  }
}
