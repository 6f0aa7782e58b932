package io.walletplatform.common.auth;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.util.LruMap;
import io.walletplatform.common.util.Uuids;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits keyed by what an attacker chooses hold under a flood of new keys: memory stays bounded and
 * a key in use keeps its state (the rate limiter used to clear every bucket at 100,000 principals,
 * its attacker's own included); the small parsers every principal goes through; and the settings
 * that keep a development setup off the network.
 */
class AuthHardeningTest {

  @Test
  void twoHundredThousandNewPrincipalsDoNotResetAnExistingPrincipalsBucket() {
    RateLimiter limiter = new RateLimiter(1, 5, 100_000);
    long now = 0;
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.admit("regular", now), "its burst");
    }
    assertTrue(limiter.admit("regular", now) > 0, "its burst is spent");
    for (int i = 0; i < 200_000; i++) {
      limiter.admit("attacker-" + i, now);
      if (i % 1_000 == 0) {
        assertTrue(limiter.admit("regular", now) > 0, "still spent after " + i + " new principals");
      }
    }
    assertTrue(limiter.admit("regular", now) > 0, "a flood of new principals gave it no new burst");
    assertEquals(0, limiter.admit("regular", now + 1_000_000_000L), "a second later it has one again");
  }

  @Test
  void theLruMapEvictsTheLeastRecentlyUsedOnlyAndStaysBounded() {
    LruMap<String, Integer> map = new LruMap<>(1_600);
    map.put("kept", 1);
    for (int i = 0; i < 200_000; i++) {
      map.put("k" + i, i);
      if (i % 10 == 0) {
        assertEquals(1, map.get("kept"));
      }
    }
    assertEquals(1, map.get("kept"));
    assertTrue(map.size() <= 1_600, "bounded: " + map.size());
    assertNull(map.get("k0"), "the oldest unused one went");
    assertEquals(199_999, map.get("k199999"));
  }

  @Test
  void oneCanonicalUuidParserForEveryPrincipal() {
    UUID id = UUID.randomUUID();
    assertEquals(id, Uuids.canonical(id.toString()));
    assertNull(Uuids.canonical(id.toString().toUpperCase()));
    assertNull(Uuids.canonical("1-1-1-1-1"));
    assertNull(Uuids.canonical(id + " "));
    assertNull(Uuids.canonical(null));
    Principal upper = new Principal(id.toString().toUpperCase(), java.util.Set.of("payments"));
    assertFalse(upper.mayActForUser(id), "a non-canonical sub is not that user");
    assertTrue(new Principal(id.toString(), java.util.Set.of("payments")).mayActForUser(id));
  }

  /** Issue #30: a deployment that ships a placeholder or a short admin secret does not start with it. */
  @Test
  void aGuessableAdminOrMetricsSecretIsRefusedAtStart() {
    for (String weak : java.util.List.of("change-me-before-production-please-0123456789",
        "CHANGEME-CHANGEME-CHANGEME-CHANGEME-1", "short-but-random-Kq93", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "your-example-admin-secret-goes-here-abcdefgh")) {
      for (String variable : java.util.List.of("AUTH_ADMIN_CLIENT_SECRET", "AUTH_METRICS_CLIENT_SECRET")) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> AuthSettings.from(Config.of(Map.of(variable, weak))), weak);
        assertTrue(refused.getMessage().startsWith(variable), refused.getMessage());
      }
    }
    String random = "q0Zk7w3V-4vJ9mXrT2pL8sNc1bYhGfDe6aU5oIyQ"; // 40 characters of base64url
    assertEquals(random, AuthSettings.from(Config.of(Map.of("AUTH_ADMIN_CLIENT_SECRET", random))).adminClientSecret().get());
  }

  @Test
  void registrationIsClosedUnlessTurnedOnAndCapped() {
    AuthSettings defaults = AuthSettings.from(Config.of(Map.of()));
    assertFalse(defaults.registration(), "closed by default (only the one-command platform opens it)");
    assertEquals(10_000, defaults.clientsMax());
    AuthSettings open = AuthSettings.from(Config.of(Map.of("AUTH_DEV_REGISTRATION", "true", "AUTH_DEV_CLIENTS_MAX", "3")));
    assertTrue(open.registration());
    assertEquals(3, open.clientsMax());
  }

  @Test
  void anExternalIssuersKeysMustComeOverHttpsUnlessAllowed() {
    Map<String, String> plain = Map.of("AUTH_ISSUER", "https://id.example/realms/w", "AUTH_JWKS_URL", "http://id.example/jwks");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AuthSettings.from(Config.of(plain)));
    assertTrue(refused.getMessage().contains("not https"), refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AuthSettings.from(Config.of(Map.of("AUTH_ISSUER", "http://id.example/realms/w"))));
    assertThrows(IllegalArgumentException.class, () -> AuthSettings.from(Config.of(Map.of("AUTH_ISSUER", "urn:x",
        "AUTH_REVOCATION_URL", "http://gateway/oauth/revoked"))));
    assertTrue(AuthSettings.from(Config.of(Map.of("AUTH_ISSUER", "https://id.example/realms/w", "AUTH_JWKS_URL",
        "http://id.example/jwks", "AUTH_ALLOW_HTTP_ISSUER", "true"))).jwksUrl().isPresent());
    assertTrue(AuthSettings.from(Config.of(Map.of("AUTH_ISSUER", "https://id.example/realms/w", "AUTH_JWKS_URL",
        "https://id.example/jwks"))).jwksUrl().isPresent());
  }

  @Test
  void theOldSharedSecretSettingIsRefusedWithWhatReplacedIt() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> AuthSettings.from(Config.of(Map.of("AUTH_DEV_CLIENT_SECRET", "s"))));
    assertTrue(refused.getMessage().contains("AUTH_DEV_SHARED_SECRET"), refused.getMessage());
  }

  /** The development issuer is on by default: a platform started on a laptop is not reachable from its network. */
  @Test
  void theServerListensOnLoopbackUnlessToldOtherwise() {
    assertEquals("127.0.0.1", io.walletplatform.common.config.HttpSettings.from(Config.of(Map.of()), "PORT", 8080).host());
    assertEquals("0.0.0.0", io.walletplatform.common.config.HttpSettings.from(Config.of(Map.of("HTTP_HOST", "0.0.0.0")),
        "PORT", 8080).host());
  }
}
