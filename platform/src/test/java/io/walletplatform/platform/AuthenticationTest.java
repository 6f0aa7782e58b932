package io.walletplatform.platform;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.auth.Jwks;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation of the four contracts, on the real single entry point, against every way a token
 * can be wrong: each answers 401 UNAUTHENTICATED with {@code WWW-Authenticate: Bearer} (403 FORBIDDEN
 * for a valid token without the operation's scope), while a good token gets past authentication.
 * Then the development issuer's token endpoint and the operational endpoints.
 */
class AuthenticationTest {

  private static final String ISSUER = "urn:wallet-platform:dev-issuer";
  private static final String AUDIENCE = "wallet-platform";

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static WebClient http;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    port = FreePorts.pick();
    Config config = IsolatedConfig.create("auth").with("PLATFORM_PORT", Integer.toString(port)).with("HTTP_INSTANCES", "2");
    Await.result(Platform.deploy(runtime, PlatformSettings.from(config)), Duration.ofSeconds(60));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  /** An operation of a contract, with its path made concrete and the scope it declares. */
  record Endpoint(String method, String path, String scope) {
    @Override
    public String toString() {
      return method + " " + path.replaceAll("[0-9a-f-]{36}", "{id}");
    }
  }

  @SuppressWarnings("unchecked")
  static List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String contract : List.of("wallet-api", "payments-api", "orders-api", "webhooks-api")) {
      try (InputStream in = AuthenticationTest.class.getClassLoader().getResourceAsStream("openapi/" + contract + ".yaml")) {
        Map<String, Object> document = new Yaml().load(in);
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        paths.forEach((path, item) -> item.forEach((method, operation) -> {
          List<Map<String, List<String>>> security = (List<Map<String, List<String>>>) ((Map<String, Object>) operation).get("security");
          List<String> scopes = security.get(0).get(Authentication.SCHEME);
          endpoints.add(new Endpoint(method.toUpperCase(), path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString()),
              scopes.isEmpty() ? null : scopes.get(0)));
        }));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return endpoints;
  }

  private static JsonObject claims(String scope) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", UUID.randomUUID().toString()).put("scope", scope).put("iss", ISSUER)
        .put("aud", AUDIENCE).put("iat", now).put("exp", now + 600);
  }

  private static String signed(JsonObject claims) {
    return Tokens.signed(vertx, claims, new JsonObject().put("kid", Tokens.publicKey().getString("kid")));
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The classic confusion: an HS256 token whose secret is the issuer's public key, as a PEM. */
  private static String hmacWithThePublicKey(JsonObject claims) throws Exception {
    JsonObject jwk = Tokens.publicKey();
    RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")))));
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    String input = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + jwk.getString("kid") + "\"}") + "."
        + base64Url(claims.encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(pem.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
  }

  /** A token signed by a key the issuer never had, under the issuer's own kid. */
  private static String signedByAnotherKey(JsonObject claims) {
    JsonObject jwk = Jwks.newRsaKey(Tokens.publicKey().getString("kid"));
    return JWTAuth.create(vertx, new JWTAuthOptions().addJwk(jwk))
        .generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  /** Each wrong credential, as the Authorization header it is sent in ({@code null}: none). */
  static Stream<Arguments> wrongTokens() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String valid = signed(claims("wallets payments orders"));
    String[] parts = valid.split("\\.");
    String otherSignature = signed(claims("wallets payments orders")).split("\\.")[2];
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("no token", null);
    cases.put("another scheme", "Basic dXNlcjpwYXNz");
    cases.put("a bearer that is not a JWT", "Bearer not-a-jwt");
    cases.put("two segments", "Bearer " + parts[0] + "." + parts[1]);
    cases.put("segments that are not JSON", "Bearer aaaa.bbbb.cccc");
    cases.put("a bad signature", "Bearer " + parts[0] + "." + parts[1] + "." + otherSignature);
    cases.put("signed by another key", "Bearer " + signedByAnotherKey(claims("wallets payments orders")));
    cases.put("expired", "Bearer " + signed(claims("wallets payments orders").put("exp", now - 120)));
    cases.put("not yet valid", "Bearer " + signed(claims("wallets payments orders").put("nbf", now + 600)));
    cases.put("another issuer", "Bearer " + signed(claims("wallets payments orders").put("iss", "https://evil.example")));
    cases.put("another audience", "Bearer " + signed(claims("wallets payments orders").put("aud", "someone-else")));
    JsonObject withoutExp = claims("wallets payments orders");
    withoutExp.remove("exp");
    cases.put("no exp", "Bearer " + signed(withoutExp));
    cases.put("a null exp", "Bearer " + signed(claims("wallets payments orders").putNull("exp")));
    cases.put("a text exp", "Bearer " + signed(claims("wallets payments orders").put("exp", "soon")));
    JsonObject withoutSub = claims("wallets payments orders");
    withoutSub.remove("sub");
    cases.put("no sub", "Bearer " + signed(withoutSub));
    cases.put("an overlong sub", "Bearer " + signed(claims("wallets payments orders").put("sub", "x".repeat(256))));
    JsonObject usernameOnly = claims("wallets payments orders");
    usernameOnly.put("username", usernameOnly.remove("sub"));
    cases.put("a username and no sub", "Bearer " + signed(usernameOnly));
    cases.put("an empty sub", "Bearer " + signed(claims("wallets payments orders").put("sub", "")));
    cases.put("a numeric sub", "Bearer " + signed(claims("wallets payments orders").put("sub", 42)));
    String none = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64Url(claims("wallets payments orders").encode());
    cases.put("alg none, no signature", "Bearer " + none + ".");
    cases.put("alg none, any signature", "Bearer " + none + ".c2lnbmF0dXJl");
    cases.put("HMAC signed with the public key", "Bearer " + hmacWithThePublicKey(claims("wallets payments orders")));
    List<Arguments> arguments = new ArrayList<>();
    for (Endpoint endpoint : endpoints()) {
      cases.forEach((name, header) -> arguments.add(Arguments.of(endpoint, name, header)));
    }
    return arguments.stream();
  }

  /** The operations that name a scope (the webhooks' need only a valid token: their event types check scopes). */
  static List<Endpoint> scopedEndpoints() {
    return endpoints().stream().filter(endpoint -> endpoint.scope() != null).toList();
  }

  private static HttpResponse<Buffer> send(Endpoint endpoint, String authorization) {
    HttpRequest<Buffer> request = http.request(io.vertx.core.http.HttpMethod.valueOf(endpoint.method()), endpoint.path());
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return Await.result(endpoint.method().equals("POST") || endpoint.method().equals("PATCH")
        ? request.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{}"))
        : request.send());
  }

  @ParameterizedTest(name = "{0} with {1} is 401")
  @MethodSource("wrongTokens")
  void everyOperationRefusesAWrongToken(Endpoint endpoint, String name, String authorization) {
    HttpResponse<Buffer> response = send(endpoint, authorization);
    assertProblem(response, 401, "UNAUTHENTICATED", null);
    assertTrue(String.valueOf(response.getHeader("WWW-Authenticate")).startsWith("Bearer"), name + ": "
        + response.headers());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scopedEndpoints")
  void aValidTokenWithoutTheOperationsScopeIs403AndWithItPassesAuthentication(Endpoint endpoint) {
    // Every other scope, admin included (admin does not stand for a scope an operation names), or,
    // for an operation that names admin, every scope but admin.
    String otherScopes = String.join(" ", Stream.of("wallets", "payments", "orders", "admin")
        .filter(scope -> !scope.equals(endpoint.scope())).toList());
    assertProblem(send(endpoint, "Bearer " + signed(claims(otherScopes))), 403, "FORBIDDEN", null);
    HttpResponse<Buffer> admitted = send(endpoint, "Bearer " + signed(claims(endpoint.scope())));
    assertFalse(admitted.statusCode() == 401 || admitted.statusCode() == 403, endpoint + ": " + admitted.bodyAsString());
  }

  @Test
  void theMatrixCoversEveryOperationOfTheFourContracts() {
    assertEquals(29, endpoints().size(), endpoints().toString());
    assertEquals(24, scopedEndpoints().size(), scopedEndpoints().toString());
  }

  private static HttpResponse<Buffer> token(MultiMap form) {
    return Await.result(http.post("/oauth/token").sendForm(form));
  }

  private static MultiMap form(String clientId, String secret) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials");
    if (clientId != null) {
      form.add("client_id", clientId);
    }
    if (secret != null) {
      form.add("client_secret", secret);
    }
    return form;
  }

  private static void assertOAuthError(HttpResponse<Buffer> response, int status, String error) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(error, response.bodyAsJsonObject().getString("error"), response.bodyAsString());
    assertEquals("no-store", response.getHeader("Cache-Control"));
  }

  @Test
  void theDevelopmentIssuerGrantsClientCredentialsAndRefusesEverythingElse() {
    String clientId = UUID.randomUUID().toString();
    HttpResponse<Buffer> granted = token(form(clientId, Tokens.DEV_SECRET));
    assertEquals(200, granted.statusCode(), granted.bodyAsString());
    JsonObject body = granted.bodyAsJsonObject();
    assertEquals("Bearer", body.getString("token_type"));
    assertEquals("wallets payments orders", body.getString("scope"));
    assertTrue(body.getLong("expires_in") > 0);
    assertEquals("no-store", granted.getHeader("Cache-Control"));
    HttpResponse<Buffer> orders = Await.result(http.get("/api/v1/orders")
        .putHeader("Authorization", "Bearer " + body.getString("access_token")).send());
    assertEquals(200, orders.statusCode(), "sub = client_id, a user: " + orders.bodyAsString());

    HttpResponse<Buffer> basic = Await.result(http.post("/oauth/token")
        .putHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + Tokens.DEV_SECRET)
            .getBytes(StandardCharsets.UTF_8)))
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials").add("scope", "wallets")));
    assertEquals(200, basic.statusCode(), basic.bodyAsString());
    assertEquals("wallets", basic.bodyAsJsonObject().getString("scope"));

    assertOAuthError(token(form(clientId, "wrong")), 401, "invalid_client");
    assertOAuthError(token(form(clientId, Tokens.DEV_SECRET + "x")), 401, "invalid_client");
    assertOAuthError(token(form("not-a-uuid", Tokens.DEV_SECRET)), 401, "invalid_client");
    assertOAuthError(token(form("1-1-1-1-1", Tokens.DEV_SECRET)), 401, "invalid_client");
    assertOAuthError(token(form(clientId, null)), 401, "invalid_client");
    assertOAuthError(token(form(null, null)), 401, "invalid_client");
    assertOAuthError(token(form(clientId, Tokens.DEV_SECRET).set("grant_type", "password")), 400, "unsupported_grant_type");
    assertOAuthError(token(form(clientId, Tokens.DEV_SECRET).remove("grant_type")), 400, "invalid_request");
    assertOAuthError(token(form(clientId, Tokens.DEV_SECRET).add("client_id", UUID.randomUUID().toString())), 400,
        "invalid_request");
    assertOAuthError(token(form(clientId, Tokens.DEV_SECRET).add("scope", "wallets admin")), 400, "invalid_scope");
    assertOAuthError(token(form(clientId, Tokens.DEV_SECRET).add("scope", "everything")), 400, "invalid_scope");
    assertOAuthError(Await.result(http.post("/oauth/token").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"grant_type\":\"client_credentials\"}"))), 400, "invalid_request");

    HttpResponse<Buffer> admin = token(form(Tokens.ADMIN_CLIENT.toString(), Tokens.DEV_SECRET)
        .add("scope", "wallets admin"));
    assertEquals(200, admin.statusCode(), admin.bodyAsString());
    assertEquals("wallets admin", admin.bodyAsJsonObject().getString("scope"));

    JsonArray keys = Await.result(http.get("/oauth/jwks.json").send()).bodyAsJsonObject().getJsonArray("keys");
    assertEquals(1, keys.size());
    JsonObject key = keys.getJsonObject(0);
    assertEquals("RS256", key.getString("alg"));
    assertNotEquals(null, key.getString("kid"));
    assertNull(key.getString("d"), "the private exponent is never published");
  }

  /**
   * vertx-auth's {@code User.subject()} answers a {@code username} claim before {@code sub}: with an
   * issuer that lets users pick a username, one equal to another principal's id would be that
   * principal. The principal is {@code sub}, whatever else the token says.
   */
  @Test
  void thePrincipalIsTheSubClaimNeverAUsername() {
    String victim = UUID.randomUUID().toString();
    String victimToken = signed(claims("wallets payments orders funding").put("sub", victim));
    HttpResponse<Buffer> created = Await.result(http.post("/api/v1/wallets").putHeader("Authorization", "Bearer " + victimToken)
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"initialBalance\":5}")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String walletId = created.bodyAsJsonObject().getString("walletId");

    String attacker = UUID.randomUUID().toString();
    String impersonation = signed(claims("wallets payments orders funding").put("sub", attacker).put("username", victim)
        .put("preferred_username", victim));
    HttpResponse<Buffer> read = Await.result(http.get("/api/v1/wallets/" + walletId)
        .putHeader("Authorization", "Bearer " + impersonation).send());
    assertProblem(read, 404, "WALLET_NOT_FOUND", null);
    HttpResponse<Buffer> own = Await.result(http.post("/api/v1/wallets").putHeader("Authorization", "Bearer " + impersonation)
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"initialBalance\":1}")));
    assertEquals(attacker, own.bodyAsJsonObject().getString("ownerId"), "owned by sub, not by username");
  }

  /** RFC 6749 §3.3: scopes are separated by single spaces; a tab is part of a (then unknown) scope, never a separator. */
  @Test
  void scopesAreSplitOnSingleSpacesOnly() {
    String tabbed = signed(claims("wallets\tadmin"));
    assertProblem(Await.result(http.get("/metrics").putHeader("Authorization", "Bearer " + tabbed).send()), 403,
        "FORBIDDEN", null);
    assertProblem(Await.result(http.get("/api/v1/orders").putHeader("Authorization", "Bearer " + tabbed).send()), 403,
        "FORBIDDEN", null);
    assertProblem(Await.result(http.get("/api/v1/orders?userId=" + UUID.randomUUID())
        .putHeader("Authorization", "Bearer " + signed(claims("orders\tadmin orders"))).send()), 403, "FORBIDDEN", null);
  }

  @Test
  void metricsNeedAnAdminTokenAndAnonymousHealthNamesOnlyStatuses() {
    assertProblem(Await.result(http.get("/metrics").send()), 401, "UNAUTHENTICATED", null);
    assertProblem(Await.result(http.get("/metrics").putHeader("Authorization", "Bearer "
        + signed(claims("wallets payments orders"))).send()), 403, "FORBIDDEN", null);
    HttpResponse<Buffer> metrics = Await.result(http.get("/metrics").putHeader("Authorization", "Bearer "
        + signed(claims("admin"))).send());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("vertx_http_server_requests_total"));

    // ready once the platform's consumers have joined their groups
    Await.until("the platform is ready", Duration.ofSeconds(60),
        () -> Await.result(http.get("/health").send()).statusCode() == 200);
    JsonObject health = Await.result(http.get("/health").send()).bodyAsJsonObject();
    assertEquals("UP", health.getString("status"), health.encode());
    for (Object check : health.getJsonArray("checks")) {
      assertEquals(java.util.Set.of("id", "status"), ((JsonObject) check).fieldNames(), health.encode());
    }
  }

  /**
   * The APIs are mounted ahead of the process's own routes, and their root handlers act on API paths only:
   * a token request's form is read under the token endpoint's own limit (4 KiB, not an API body's 64), and
   * a header no API would accept does not keep a probe or the token endpoint from answering.
   */
  @Test
  void theApisRootHandlersLeaveTheProcesssOwnRoutesAlone() {
    MultiMap big = form(UUID.randomUUID().toString(), Tokens.DEV_SECRET).add("padding", "x".repeat(8_000));
    HttpResponse<Buffer> tooBig = token(big);
    assertEquals(413, tooBig.statusCode(), tooBig.bodyAsString());
    assertEquals(200, Await.result(http.get("/health/live").putHeader("Authorization", "not a bearer token").send())
        .statusCode());
    assertEquals(200, Await.result(http.get("/openapi/wallet-api.yaml").putHeader("Authorization", "Basic eA==").send())
        .statusCode());
    assertProblem(Await.result(http.get("/api/v1/orders").putHeader("Authorization", "Basic eA==").send()), 401,
        "UNAUTHENTICATED", null);
  }
}
