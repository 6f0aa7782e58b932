package io.walletplatform.common.auth;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The syntax gate in front of the bearer handler, and the scope claim's two forms. */
class BearerSyntaxTest {

  @Test
  void onlyBearerAndThreeNonEmptyBase64UrlSegmentsPass() {
    assertTrue(Authentication.isBearerJwt("Bearer aaa.bbb.ccc"));
    assertTrue(Authentication.isBearerJwt("bearer a-_9.B.c"));
    for (String bad : new String[] {"Bearer", "Bearer ", "Bearer a.b", "Bearer a.b.", "Bearer .b.c", "Bearer a..c",
        "Bearer a.b.c.d", "Bearer a.b.c ", "Bearer a+b.c.d", "Bearer a.b.c=", "Basic YTpi", "Bearer  a.b.c",
        "Bearer a.b.ç", "Bearerx a.b.c"}) {
      assertFalse(Authentication.isBearerJwt(bad), bad);
    }
  }

  @Test
  void agreesWithTheRegularExpressionOnRandomHeaders() {
    java.util.regex.Pattern jwt = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    String alphabet = "aZ09-_..........+/= \tçĀ\u0080";
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder header = new StringBuilder(random.nextInt(4) == 0 ? "bEARER " : "Bearer ");
      if (random.nextBoolean()) {
        for (int n = random.nextInt(0, 12); n > 0; n--) {
          header.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      } else { // three segments of 0 to 3 characters of the alphabet, one of them sometimes replaced by anything
        for (int segment = 0; segment < 3; segment++) {
          header.append(segment > 0 ? "." : "");
          for (int n = random.nextInt(0, 4); n > 0; n--) {
            header.append("aZ09-_".charAt(random.nextInt(6)));
          }
        }
        if (header.length() > 7 && random.nextBoolean()) {
          header.setCharAt(random.nextInt(7, header.length()), alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String text = header.toString();
      boolean expected = jwt.matcher(text.substring(7)).matches();
      accepted += expected ? 1 : 0;
      assertEquals(expected, Authentication.isBearerJwt(text), text);
    }
    assertTrue(accepted > 20_000, "too few well-formed headers generated: " + accepted);
  }

  @Test
  void scopesAreReadFromASpaceSeparatedStringOrAnArray() {
    assertEquals(Set.of("wallets", "admin"), Principal.scopes("  wallets  admin "));
    // RFC 6749 §3.3 and vertx-web's scope checks: single spaces only; a tab is part of a scope.
    assertEquals(Set.of("wallets\tadmin"), Principal.scopes("wallets\tadmin"));
    assertEquals(Set.of("wallets", "\tadmin"), Principal.scopes("wallets \tadmin"));
    assertEquals(Set.of(), Principal.scopes(""));
    assertEquals(Set.of("orders"), Principal.scopes(new JsonArray().add("orders")));
    assertEquals(Set.of(), Principal.scopes(null));
  }
}
