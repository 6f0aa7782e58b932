package io.walletplatform.infra.testing;

import io.vertx.core.Vertx;
import io.walletplatform.common.auth.AuthSettings;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens for tests, from the real development issuer of the server under test ({@code POST /oauth/token}).
 * Every test configuration ({@link IsolatedConfig}) shares one key directory, secret and admin client.
 */
public final class Tokens {

  public static final String DEV_SECRET = "test-development-secret";
  public static final UUID ADMIN_CLIENT = UUID.fromString("0000ad01-0000-4000-8000-000000000001");
  private static final Path KEY_DIRECTORY = keyDirectory();

  private Tokens() {
  }

  /** The configuration every test server and the tests that mint tokens agree on. */
  public static Map<String, String> config() {
    return Map.of(
        "AUTH_DEV_KEY_DIR", KEY_DIRECTORY.toString(),
        "AUTH_DEV_SHARED_SECRET", DEV_SECRET,
        "AUTH_ADMIN_CLIENT_ID", ADMIN_CLIENT.toString());
  }

  private static Path keyDirectory() {
    try {
      Path directory = Files.createTempDirectory("wallet-platform-test-keys");
      directory.toFile().deleteOnExit();
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The authentication a test server of this configuration runs (its development issuer, with the shared test key). */
  public static Authentication authentication(Vertx vertx, Config config) {
    return Await.result(Authentication.start(vertx, AuthSettings.from(config)));
  }

  /** A token for {@code subject} signed by the development issuer of {@code authentication}. */
  public static String issue(Authentication authentication, String subject, String scopes) {
    return authentication.issuer().issue(subject, java.util.Set.of(scopes.split(" ")));
  }

  /** A user token (wallets, payments, orders, and funding: it may deposit) for a new random principal. */
  public static String user(Authentication authentication) {
    return issue(authentication, UUID.randomUUID().toString(), "wallets payments orders funding");
  }

  /** A user token without funding (wallets, payments, orders): what a self-registered client gets. */
  public static String unfundedUser(Authentication authentication) {
    return issue(authentication, UUID.randomUUID().toString(), "wallets payments orders");
  }

  /** The admin client's token with every scope. */
  public static String admin(Authentication authentication) {
    return issue(authentication, ADMIN_CLIENT.toString(), "wallets payments orders funding admin");
  }

  /**
   * A token with exactly these claims (and header members), signed with the test development
   * issuer's private key: for the tokens the issuer would never make (expired, another audience).
   * The issuer must have started once, so that its key exists.
   */
  public static String signed(Vertx vertx, JsonObject claims, JsonObject header) {
    try {
      JsonObject key = new JsonObject(Files.readString(KEY_DIRECTORY.resolve("signing-key.jwk.json")));
      io.vertx.ext.auth.jwt.JWTAuth signer = io.vertx.ext.auth.jwt.JWTAuth.create(vertx,
          new io.vertx.ext.auth.jwt.JWTAuthOptions().addJwk(key));
      return signer.generateToken(claims, new io.vertx.ext.auth.JWTOptions().setAlgorithm("RS256").setNoTimestamp(true)
          .setHeader(header));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test issuer's public key set, as its /oauth/jwks.json serves it. */
  public static JsonObject publicKey() {
    try {
      JsonObject key = new JsonObject(Files.readString(KEY_DIRECTORY.resolve("signing-key.jwk.json")));
      return new JsonObject().put("kty", "RSA").put("kid", key.getString("kid")).put("n", key.getString("n"))
          .put("e", key.getString("e"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An access token for {@code clientId} with these space-separated scopes, from the server on {@code port}. */
  public static String fetch(Vertx vertx, int port, String clientId, String scope) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    try {
      io.vertx.core.MultiMap form = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
          .add("grant_type", "client_credentials").add("client_id", clientId).add("client_secret", DEV_SECRET)
          .add("scope", scope);
      HttpResponse<Buffer> response = Await.result(client.post("/oauth/token").sendForm(form));
      if (response.statusCode() != 200) {
        throw new AssertionError("token for " + clientId + ": " + response.statusCode() + " " + response.bodyAsString());
      }
      return new JsonObject(response.bodyAsString()).getString("access_token");
    } finally {
      client.close();
    }
  }

  /** A user's token (wallets, payments, orders and funding) for a new random principal. */
  public static String user(Vertx vertx, int port) {
    return fetch(vertx, port, UUID.randomUUID().toString(), "wallets payments orders funding");
  }

  /** A token of the admin client with every scope. */
  public static String admin(Vertx vertx, int port) {
    return fetch(vertx, port, ADMIN_CLIENT.toString(), "wallets payments orders admin");
  }

  /** A client that sends {@code Authorization: Bearer <token>} with every request. */
  public static WebClient bearing(WebClient client, String token) {
    return WebClientSession.create(client).addHeader("Authorization", "Bearer " + token);
  }

  /** A new client on {@code port} sending this token. */
  public static WebClient client(Vertx vertx, int port, String token) {
    return bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)), token);
  }
}
