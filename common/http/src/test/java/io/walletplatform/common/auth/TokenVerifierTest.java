package io.walletplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier against a real HTTP server that plays an OpenID Connect provider's JWKS endpoint:
 * keys by kid, RS256 and ES256, a new key picked up when it first signs a token, a removed key
 * refused at once (even for a token it had verified before), and downloads bounded.
 */
class TokenVerifierTest {

  private static final String ISSUER = "https://issuer.test/realms/wallets";

  private Vertx vertx;
  private HttpServer provider;
  private volatile JsonArray published = new JsonArray();
  private volatile JsonArray revoked = new JsonArray();
  private volatile JsonArray revokedTokens = new JsonArray();
  private final AtomicInteger downloads = new AtomicInteger();

  @BeforeEach
  void startProvider() throws Exception {
    vertx = Vertx.vertx();
    provider = await(vertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/jwks")) {
        downloads.incrementAndGet();
        request.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("keys", published).encode());
        } else if (request.path().equals("/revoked")) {
        request.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("revoked", revoked).put("revokedTokens", revokedTokens).encode());
      } else if (request.path().equals("/realms/wallets/.well-known/openid-configuration")) {
        request.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("issuer", ISSUER).put("jwks_uri", jwksUrl().toString()).encode());
      } else {
        request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private URI jwksUrl() {
    return URI.create("http://127.0.0.1:" + provider.actualPort() + "/jwks");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private AuthSettings settings(Optional<URI> jwks, Duration minRefresh) {
    return settings(jwks, minRefresh, 1_000, Optional.empty());
  }

  private AuthSettings settings(Optional<URI> jwks, Duration minRefresh, int cacheEntries, Optional<URI> revoked) {
    return new AuthSettings(Optional.of(ISSUER), jwks, "wallet-platform", Duration.ofSeconds(30), minRefresh,
        Duration.ofHours(1), cacheEntries, revoked, "unused", Path.of("unused"), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Path.of("unused"), false, 1, 1, 1, Duration.ofMinutes(5), 0, 1, 0, 1,
        io.walletplatform.common.http.ClientAddress.DIRECT);
  }

  /** A private JWK (the provider's) and the public one it publishes. */
  private record Key(JsonObject privateJwk, JsonObject publicJwk) {
  }

  private static String b64(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (length > 0 && bytes.length < length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      bytes = padded;
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Key rsa(String kid) {
    JsonObject privateJwk = Jwks.newRsaKey(kid);
    return new Key(privateJwk, Jwks.publicPart(privateJwk));
  }

  private static Key ec(String kid) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    ECPublicKey pub = (ECPublicKey) pair.getPublic();
    JsonObject publicJwk = new JsonObject().put("kty", "EC").put("alg", "ES256").put("use", "sig").put("kid", kid)
        .put("crv", "P-256").put("x", b64(pub.getW().getAffineX(), 32)).put("y", b64(pub.getW().getAffineY(), 32));
    return new Key(publicJwk.copy().put("d", b64(((ECPrivateKey) pair.getPrivate()).getS(), 32)), publicJwk);
  }

  private String token(Key key, String subject) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    return signer.generateToken(new JsonObject().put("sub", subject).put("scope", "wallets"),
        new JWTOptions().setAlgorithm(key.publicJwk().getString("alg")).setIssuer(ISSUER)
            .setAudience(List.of("wallet-platform")).setExpiresInSeconds(300));
  }

  private static Future<User> verify(TokenVerifier verifier, String token) {
    return verifier.authenticate(new TokenCredentials(token));
  }

  @Test
  void aNewKeyIsPickedUpByItsKidAndARemovedKeyStopsWorkingAtOnce() throws Exception {
    Key first = rsa("rsa-1");
    Key second = ec("ec-2");
    published = new JsonArray().add(first.publicJwk());
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, settings(Optional.of(jwksUrl()), Duration.ZERO), jwksUrl()));
    String fromFirst = token(first, "alice");
    assertEquals("alice", await(verify(verifier, fromFirst)).subject(), "RS256 by kid");
    String fromSecond = token(second, "bob");
    assertTrue(await(verify(verifier, fromSecond).map(user -> false).otherwise(true)), "an unknown key is refused");

    published = new JsonArray().add(first.publicJwk()).add(second.publicJwk());
    assertEquals("bob", await(verify(verifier, fromSecond)).subject(), "ES256, picked up on its first token");
    assertEquals("alice", await(verify(verifier, fromFirst)).subject());

    published = new JsonArray().add(second.publicJwk());
    Key third = rsa("rsa-3");
    assertTrue(await(verify(verifier, token(third, "mallory")).map(user -> false).otherwise(true)),
        "a kid nobody published is refused, and makes the verifier read the set again");
    assertTrue(await(verify(verifier, fromFirst).map(user -> false).otherwise(true)),
        "the removed key's token is refused although it was verified before");
    assertEquals("bob", await(verify(verifier, fromSecond)).subject());
  }

  @Test
  void tokensWithUnknownKidsDoNotMakeTheVerifierDownloadMoreThanOncePerInterval() throws Exception {
    Key known = rsa("known");
    published = new JsonArray().add(known.publicJwk());
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, settings(Optional.of(jwksUrl()), Duration.ofMinutes(10)),
        jwksUrl()));
    int atStart = downloads.get();
    // One key pair under twenty kids: the kid is what the verifier looks up (an RSA key pair a kid took 18 s).
    Key forgedKey = rsa("forged");
    for (int i = 0; i < 20; i++) {
      String forged = token(new Key(forgedKey.privateJwk().copy().put("kid", "forged-" + i),
          forgedKey.publicJwk().copy().put("kid", "forged-" + i)), "mallory");
      assertTrue(await(verify(verifier, forged).map(user -> false).otherwise(true)));
    }
    assertTrue(downloads.get() - atStart <= 1, (downloads.get() - atStart) + " downloads for 20 unknown kids");
    assertEquals("alice", await(verify(verifier, token(known, "alice"))).subject());
  }

  @Test
  void anIssuerThatIsDownAtStartIsReadOnceItIsUpAndTheFirstTokensAreNotRefusedForLong() throws Exception {
    Key key = rsa("late");
    published = new JsonArray().add(key.publicJwk());
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    URI late = URI.create("http://127.0.0.1:" + port + "/jwks");
    // Started before its issuer, as docker compose starts the services before the gateway.
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, settings(Optional.of(late), Duration.ofMinutes(10)), late));
    String token = token(key, "alice");
    assertTrue(await(verify(verifier, token).map(user -> false).otherwise(true)), "no keys yet");
    await(vertx.createHttpServer().requestHandler(request -> request.response()
        .putHeader("content-type", "application/json").end(new JsonObject().put("keys", published).encode()))
        .listen(port, "127.0.0.1"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    boolean accepted = false;
    while (!accepted && System.nanoTime() < deadline) {
      accepted = await(verify(verifier, token).map(user -> true).otherwise(false));
      if (!accepted) {
        await(vertx.timer(200));
      }
    }
    assertTrue(accepted, "a failed download is retried a second later, not after the ten-minute interval");
  }

  @Test
  void withoutAnyUsableKeyAnUnsignedTokenIsRefused() throws Exception {
    // A key set that is empty, or holds only keys the verifier will not use (symmetric, for encryption).
    published = new JsonArray().add(new JsonObject().put("kty", "oct").put("k", "c2VjcmV0").put("kid", "k"))
        .add(rsa("enc").publicJwk().put("use", "enc"));
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, settings(Optional.of(jwksUrl()), Duration.ZERO), jwksUrl()));
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String claims = new JsonObject().put("sub", "mallory").put("iss", ISSUER).put("aud", "wallet-platform")
        .put("exp", System.currentTimeMillis() / 1000 + 300).encode();
    String unsigned = encoder.encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + encoder.encodeToString(claims.getBytes());
    for (String token : List.of(unsigned, unsigned + ".", unsigned + ".c2ln")) {
      assertTrue(await(verify(verifier, token).map(user -> false).otherwise(true)), token);
    }
    String hmac = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(new JsonObject().put("kty", "oct").put("k", "c2VjcmV0")
        .put("kid", "k").put("alg", "HS256"))).generateToken(new JsonObject().put("sub", "mallory"),
        new JWTOptions().setIssuer(ISSUER).setAudience(List.of("wallet-platform")).setExpiresInSeconds(60));
    assertTrue(await(verify(verifier, hmac).map(user -> false).otherwise(true)), "a symmetric key in the JWKS is never used");
  }

  @Test
  void theKeySetIsFoundThroughTheIssuersDiscoveryDocument() throws Exception {
    Key key = ec("discovered");
    published = new JsonArray().add(key.publicJwk());
    String issuer = "http://127.0.0.1:" + provider.actualPort() + "/realms/wallets";
    AuthSettings base = settings(Optional.empty(), Duration.ZERO);
    AuthSettings discovering = new AuthSettings(Optional.of(issuer), Optional.empty(), base.audience(), base.clockSkew(),
        base.jwksMinRefresh(), base.jwksRefresh(), base.tokenCacheEntries(), Optional.empty(), base.devIssuer(),
        base.devKeyDirectory(), base.devSharedSecret(), base.adminClientId(), base.adminClientSecret(), Optional.empty(),
        Optional.empty(), Path.of("unused"), false, 1, 1, 1, base.devTokenTtl(), 0, 1, 0, 1, base.clientAddress());
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, discovering, null));
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    String token = signer.generateToken(new JsonObject().put("sub", UUID.randomUUID().toString()),
        new JWTOptions().setAlgorithm("ES256").setIssuer(issuer).setAudience(List.of("wallet-platform"))
            .setExpiresInSeconds(60));
    assertTrue(await(verify(verifier, token).map(user -> true).otherwise(false)));
  }

  private String tokenOf(JWTAuth signer, JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setIssuer(ISSUER)
        .setAudience(List.of("wallet-platform")).setExpiresInSeconds(600));
  }

  /** The principal is {@code sub}: a {@code username} (which vertx-auth's User.subject() prefers) is never it. */
  @Test
  void aUsernameIsNeverThePrincipalAndATokenWithoutASubIsRefused() throws Exception {
    Key key = ec("names");
    published = new JsonArray().add(key.publicJwk());
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, settings(Optional.of(jwksUrl()), Duration.ZERO), jwksUrl()));
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    User both = await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", "alice").put("username", "bob"))));
    assertEquals("alice", Principal.of(both).subject());
    assertTrue(await(verify(verifier, tokenOf(signer, new JsonObject().put("username", "bob"))).map(user -> false)
        .otherwise(true)), "a username without a sub is refused");
    assertTrue(await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", 7))).map(user -> false)
        .otherwise(true)), "a sub that is not a string is refused");
  }

  /**
   * The verified-token cache forgets the least recently used entry, never everything: a flood of
   * twice its capacity in new valid tokens (here 1,000 entries and 2,000 tokens; the default is
   * 100,000) leaves a token in use in memory. It used to empty the whole cache when full.
   */
  @Test
  void aFloodOfNewTokensDoesNotEvictATokenInUse() throws Exception {
    Key key = ec("flood");
    published = new JsonArray().add(key.publicJwk());
    TokenVerifier verifier = await(TokenVerifier.remote(vertx,
        settings(Optional.of(jwksUrl()), Duration.ZERO, 200, Optional.empty()), jwksUrl()));
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    String inUse = tokenOf(signer, new JsonObject().put("sub", "regular"));
    User first = await(verify(verifier, inUse));
    for (int i = 0; i < 400; i++) {
      await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", "flood-" + i))));
      if (i % 5 == 0) {
        assertSame(first, await(verify(verifier, inUse)), "still remembered after " + i + " new tokens");
      }
    }
    assertSame(first, await(verify(verifier, inUse)), "the token in use was never verified again");
  }

  /**
   * The cache finds a token by the hash of its signature's tail but serves it only to the same whole
   * token: a verified token's signature put under another payload (a raised scope, another sub) is
   * verified, and refused, as every unknown token is. The principal served is the token's own.
   */
  @Test
  void aVerifiedSignatureUnderAnotherPayloadIsNotServedFromTheCache() throws Exception {
    Key key = rsa("tail");
    published = new JsonArray().add(key.publicJwk());
    TokenVerifier verifier = await(TokenVerifier.remote(vertx, settings(Optional.of(jwksUrl()), Duration.ZERO), jwksUrl()));
    String genuine = token(key, "alice");
    TokenVerifier.Authenticated first = await(verifier.verifyToken(genuine));
    assertEquals("alice", first.principal().subject());
    assertEquals(java.util.Set.of("wallets"), first.principal().scopes());
    assertSame(first, await(verifier.verifyToken(genuine)), "served from memory");
    String[] parts = genuine.split("\\.");
    java.util.Base64.Encoder encoder = java.util.Base64.getUrlEncoder().withoutPadding();
    for (JsonObject claims : List.of(
        new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]))).put("scope", "wallets admin"),
        new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]))).put("sub", "mallory"))) {
      String forged = parts[0] + "." + encoder.encodeToString(claims.encode().getBytes()) + "." + parts[2];
      assertTrue(await(verifier.verifyToken(forged).map(ok -> false).otherwise(true)), forged);
    }
    assertSame(first, await(verifier.verifyToken(genuine)), "the genuine token is still remembered");
  }

  /** Tokens of a client the issuer revoked are refused once its revocation list says so, whatever their signature. */
  @Test
  void tokensOfARevokedClientAreRefused() throws Exception {
    Key key = ec("revocation");
    published = new JsonArray().add(key.publicJwk());
    revoked = new JsonArray().add("revoked-client");
    URI list = URI.create("http://127.0.0.1:" + provider.actualPort() + "/revoked");
    TokenVerifier verifier = await(TokenVerifier.remote(vertx,
        settings(Optional.of(jwksUrl()), Duration.ZERO, 1_000, Optional.of(list)), jwksUrl()));
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    assertEquals(1, verifier.revocations().size(), "the list is read before the verifier is handed out");
    assertTrue(await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", "revoked-client")))
        .map(user -> false).otherwise(true)), "the revoked client's token is refused");
    assertEquals("other", await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", "other")))).subject());
  }

  /** Issue #30: one token (an admin's, say) is refused by its jti, its subject's other tokens are not. */
  @Test
  void aTokenRevokedByItsIdIsRefusedAndItsSubjectsOthersAreNot() throws Exception {
    Key key = ec("token-revocation");
    published = new JsonArray().add(key.publicJwk());
    revoked = new JsonArray();
    revokedTokens = new JsonArray().add("stolen-admin-token");
    URI list = URI.create("http://127.0.0.1:" + provider.actualPort() + "/revoked");
    TokenVerifier verifier = await(TokenVerifier.remote(vertx,
        settings(Optional.of(jwksUrl()), Duration.ZERO, 1_000, Optional.of(list)), jwksUrl()));
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    assertTrue(await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", "admin").put("jti", "stolen-admin-token")))
        .map(user -> false).otherwise(true)), "the revoked token is refused");
    assertEquals("admin", await(verify(verifier, tokenOf(signer, new JsonObject().put("sub", "admin")
        .put("jti", "a-fresh-one")))).subject(), "another token of the same subject is not");
  }
}
