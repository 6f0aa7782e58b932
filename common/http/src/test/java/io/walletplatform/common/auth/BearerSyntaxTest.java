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
