package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static io.walletplatform.infra.testing.ApiClient.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The development issuer as the one-command platform runs it: no shared secret, every client its
 * own. Registration, tokens for the client's own secret only, an admin client nobody else can
 * become, revocation (the secret at once, the tokens at once in this process), the limits per
 * source address, and wrong secrets answered slowly while the right one is not held back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientCredentialsTest {

  private static final String ADMIN_SECRET = "an-admin-secret-only-the-operator-knows-" + UUID.randomUUID();

  private static ServiceRuntime runtime;
  private static Vertx vertx;
  private static WebClient http;
  private static Config config;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    vertx = runtime.vertx();
    int port = FreePorts.pick();
    config = IsolatedConfig.create("clients").with("PLATFORM_PORT", Integer.toString(port))
        .with("AUTH_DEV_SHARED_SECRET", "")
        .with("AUTH_ADMIN_CLIENT_SECRET", ADMIN_SECRET)
        .with("AUTH_DEV_REGISTRATION", "true")
        .with("AUTH_DEV_CLIENTS_MAX", "1000")
        .with("AUTH_REGISTRATIONS_PER_ADDRESS_PER_MIN", "30")
        .with("AUTH_TOKEN_REQUESTS_PER_ADDRESS_PER_S", "20");
    Await.result(Platform.deploy(runtime, PlatformSettings.from(config)), Duration.ofSeconds(60));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private record Client(String id, String secret) {
  }

  private static HttpResponse<Buffer> register(String body) {
    return Await.result(http.post("/oauth/clients").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private static Client register() {
    HttpResponse<Buffer> response = register("{}");
    assertEquals(201, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    return new Client(body.getString("clientId"), body.getString("clientSecret"));
  }

  private static Future<HttpResponse<Buffer>> requestToken(String clientId, String secret, String scope) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", clientId).add("client_secret", secret);
    if (scope != null) {
      form.add("scope", scope);
    }
    return http.post("/oauth/token").sendForm(form);
  }

  private static HttpResponse<Buffer> token(String clientId, String secret, String scope) {
    return Await.result(requestToken(clientId, secret, scope));
  }

  private static String accessToken(Client client) {
    HttpResponse<Buffer> response = token(client.id(), client.secret(), null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("access_token");
  }

  private static void assertInvalidClient(HttpResponse<Buffer> response) {
    assertEquals(401, response.statusCode(), response.bodyAsString());
    assertEquals("invalid_client", response.bodyAsJsonObject().getString("error"));
  }

  private static HttpResponse<Buffer> createWallet(String token) {
    return Await.result(http.post("/api/v1/wallets").putHeader("Authorization", "Bearer " + token)
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"initialBalance\":0}")));
  }

  @Test
  @Order(1)
  void aRegisteredClientGetsTokensWithItsOwnSecretShownOnce() {
    HttpResponse<Buffer> response = register("{\"name\":\"my laptop\"}");
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertEquals("no-store", response.getHeader("Cache-Control"));
    JsonObject body = response.bodyAsJsonObject();
    String clientId = body.getString("clientId");
    assertEquals(UUID.fromString(clientId).toString(), clientId);
    assertEquals("my laptop", body.getString("name"));
    assertTrue(body.getString("clientSecret").length() >= 43, "256 random bits: " + body.getString("clientSecret"));
    assertTrue(body.getString("createdAt").endsWith("Z"), body.encode());

    String token = accessToken(new Client(clientId, body.getString("clientSecret")));
    HttpResponse<Buffer> wallet = createWallet(token);
    assertEquals(201, wallet.statusCode(), wallet.bodyAsString());
    assertEquals(clientId, wallet.bodyAsJsonObject().getString("ownerId"), "sub = client_id");

    HttpResponse<Buffer> basic = Await.result(http.post("/oauth/token")
        .putHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + body.getString("clientSecret"))
            .getBytes(StandardCharsets.UTF_8)))
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials").add("scope", "wallets")));
    assertEquals(200, basic.statusCode(), basic.bodyAsString());
  }

  /** What was the whole model before: knowing a principal's id and one secret made anyone anyone. */
  @Test
  @Order(2)
  void knowingAnIdGrantsNothingAndNoSecretOpensAnotherClient() {
    Client alice = register();
    Client mallory = register();
    assertInvalidClient(token(alice.id(), mallory.secret(), null));
    assertInvalidClient(token(alice.id(), alice.secret() + "x", null));
    assertInvalidClient(token(alice.id(), Tokens.DEV_SECRET, null));
    assertInvalidClient(token(UUID.randomUUID().toString(), alice.secret(), null));
    assertInvalidClient(token(alice.id().toUpperCase(), alice.secret(), null));
    assertEquals(200, token(alice.id(), alice.secret(), null).statusCode());
  }

  @Test
  @Order(3)
  void onlyTheConfiguredAdminClientWithItsOwnSecretGetsAdmin() {
    Client user = register();
    String admin = Tokens.ADMIN_CLIENT.toString();
    assertInvalidClient(token(admin, user.secret(), "admin"));
    assertInvalidClient(token(admin, Tokens.DEV_SECRET, "admin"));
    HttpResponse<Buffer> refused = token(user.id(), user.secret(), "wallets admin");
    assertEquals(400, refused.statusCode());
    assertEquals("invalid_scope", refused.bodyAsJsonObject().getString("error"));

    HttpResponse<Buffer> granted = token(admin, ADMIN_SECRET, "admin payments");
    assertEquals(200, granted.statusCode(), granted.bodyAsString());
    assertEquals("admin payments", granted.bodyAsJsonObject().getString("scope"));
    HttpResponse<Buffer> metrics = Await.result(http.get("/metrics")
        .putHeader("Authorization", "Bearer " + granted.bodyAsJsonObject().getString("access_token")).send());
    assertEquals(200, metrics.statusCode());
  }

  @Test
  @Order(4)
  void aRevokedClientsSecretAndTokensStopWorkingAtOnce() {
    Client client = register();
    String token = accessToken(client);
    Client other = register();
    String otherToken = accessToken(other);

    assertProblem(Await.result(http.delete("/oauth/clients/" + client.id()).send()), 401, "UNAUTHENTICATED", null);
    assertProblem(Await.result(http.delete("/oauth/clients/" + client.id()).putHeader("Authorization", "Bearer " + otherToken)
        .send()), 404, "CLIENT_NOT_FOUND", null);
    assertEquals(200, token(client.id(), client.secret(), null).statusCode(), "another principal cannot revoke it");

    HttpResponse<Buffer> revoked = Await.result(http.delete("/oauth/clients/" + client.id())
        .putHeader("Authorization", "Bearer " + token).send());
    assertEquals(204, revoked.statusCode(), revoked.bodyAsString());
    assertInvalidClient(token(client.id(), client.secret(), null));
    assertProblem(createWallet(token), 401, "UNAUTHENTICATED", null);
    assertTrue(Await.result(http.get("/oauth/revoked").send()).bodyAsJsonObject().getJsonArray("revoked")
        .contains(client.id()));
    assertEquals(201, createWallet(otherToken).statusCode(), "the others' tokens still work");

    String adminToken = token(Tokens.ADMIN_CLIENT.toString(), ADMIN_SECRET, "admin").bodyAsJsonObject()
        .getString("access_token");
    assertEquals(204, Await.result(http.delete("/oauth/clients/" + other.id())
        .putHeader("Authorization", "Bearer " + adminToken).send()).statusCode(), "admin revokes anyone's");
    assertProblem(Await.result(http.delete("/oauth/clients/" + other.id())
        .putHeader("Authorization", "Bearer " + adminToken).send()), 404, "CLIENT_NOT_FOUND", null);
    assertProblem(createWallet(otherToken), 401, "UNAUTHENTICATED", null);
  }

  private static HttpResponse<Buffer> asAdmin(io.vertx.core.http.HttpMethod method, String path, String body) {
    String adminToken = token(Tokens.ADMIN_CLIENT.toString(), ADMIN_SECRET, "admin").bodyAsJsonObject().getString("access_token");
    return asBearer(adminToken, method, path, body);
  }

  private static HttpResponse<Buffer> asBearer(String token, io.vertx.core.http.HttpMethod method, String path, String body) {
    var request = http.request(method, path).putHeader("Authorization", "Bearer " + token)
        .putHeader("content-type", "application/json");
    return Await.result(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  private static HttpResponse<Buffer> deposit(String token, String walletId) {
    return asBearer(token, io.vertx.core.http.HttpMethod.POST, "/api/v1/wallet",
        "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}");
  }

  /** Issue #30: the admin client cannot be revoked (it is configured), so one of its tokens can be, by its jti. */
  @Test
  @Order(4)
  void anAdminTokenIsRevokedByItsIdAndStopsWorkingAtOnce() {
    String leaked = token(Tokens.ADMIN_CLIENT.toString(), ADMIN_SECRET, "admin wallets").bodyAsJsonObject()
        .getString("access_token");
    String jti = new JsonObject(new String(Base64.getUrlDecoder().decode(leaked.split("\\.")[1]), StandardCharsets.UTF_8))
        .getString("jti");
    assertEquals(200, asBearer(leaked, io.vertx.core.http.HttpMethod.GET, "/metrics", null).statusCode());
    Client user = register();
    assertProblem(asBearer(accessToken(user), io.vertx.core.http.HttpMethod.DELETE, "/oauth/tokens/" + jti, null),
        403, "FORBIDDEN", null);

    HttpResponse<Buffer> revoked = asAdmin(io.vertx.core.http.HttpMethod.DELETE, "/oauth/tokens/" + jti, null);
    assertEquals(204, revoked.statusCode(), revoked.bodyAsString());
    assertProblem(asBearer(leaked, io.vertx.core.http.HttpMethod.GET, "/metrics", null), 401, "UNAUTHENTICATED", null);
    assertProblem(createWallet(leaked), 401, "UNAUTHENTICATED", null);
    assertTrue(Await.result(http.get("/oauth/revoked").send()).bodyAsJsonObject().getJsonArray("revokedTokens").contains(jti));
    assertProblem(asAdmin(io.vertx.core.http.HttpMethod.DELETE, "/oauth/tokens/" + jti, null), 404, "TOKEN_NOT_FOUND", null);
    assertEquals(200, asAdmin(io.vertx.core.http.HttpMethod.GET, "/metrics", null).statusCode(), "the admin's other tokens work");
  }

  /** Issue #30: only a principal an admin granted funding creates money; registration grants nothing. */
  @Test
  @Order(5)
  void fundingAndMetricsAreGrantedByAnAdminOnly() {
    Client client = register();
    HttpResponse<Buffer> plain = token(client.id(), client.secret(), null);
    assertEquals("wallets payments orders", plain.bodyAsJsonObject().getString("scope"));
    String userToken = plain.bodyAsJsonObject().getString("access_token");
    HttpResponse<Buffer> askedFunding = token(client.id(), client.secret(), "wallets funding");
    assertEquals(400, askedFunding.statusCode(), askedFunding.bodyAsString());
    assertEquals("invalid_scope", askedFunding.bodyAsJsonObject().getString("error"));
    String walletId = createWallet(userToken).bodyAsJsonObject().getString("walletId");
    assertProblem(deposit(userToken, walletId), 403, "FORBIDDEN", null);

    // Nobody but an admin grants: not at registration, not to itself.
    assertProblem(register("{\"scopes\":[\"funding\"]}"), 403, "FORBIDDEN", null);
    String grantPath = "/oauth/clients/" + client.id() + "/scopes";
    assertProblem(asBearer(userToken, io.vertx.core.http.HttpMethod.POST, grantPath, "{\"scopes\":[\"funding\"]}"),
        403, "FORBIDDEN", null);
    assertProblem(asAdmin(io.vertx.core.http.HttpMethod.POST, grantPath, "{\"scopes\":[\"admin\"]}"),
        400, "VALIDATION_FAILED", "scopes");
    assertProblem(asAdmin(io.vertx.core.http.HttpMethod.POST, "/oauth/clients/" + UUID.randomUUID() + "/scopes",
        "{\"scopes\":[\"funding\"]}"), 404, "CLIENT_NOT_FOUND", null);
    HttpResponse<Buffer> granted = asAdmin(io.vertx.core.http.HttpMethod.POST, grantPath, "{\"scopes\":[\"funding\"]}");
    assertEquals(200, granted.statusCode(), granted.bodyAsString());
    assertEquals(new io.vertx.core.json.JsonArray().add("funding"), granted.bodyAsJsonObject().getJsonArray("scopes"));
    assertProblem(deposit(userToken, walletId), 403, "FORBIDDEN", null); // a token issued before keeps its scopes

    HttpResponse<Buffer> funded = token(client.id(), client.secret(), null);
    assertEquals("wallets payments orders funding", funded.bodyAsJsonObject().getString("scope"));
    HttpResponse<Buffer> accepted = deposit(funded.bodyAsJsonObject().getString("access_token"), walletId);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());

    // At creation, by an admin: a scraper that reads /metrics and nothing else.
    HttpResponse<Buffer> created = asAdmin(io.vertx.core.http.HttpMethod.POST, "/oauth/clients",
        "{\"name\":\"prometheus\",\"scopes\":[\"metrics\"]}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(new io.vertx.core.json.JsonArray().add("metrics"), created.bodyAsJsonObject().getJsonArray("scopes"));
    HttpResponse<Buffer> scraperToken = token(created.bodyAsJsonObject().getString("clientId"),
        created.bodyAsJsonObject().getString("clientSecret"), "metrics");
    assertEquals(200, scraperToken.statusCode(), scraperToken.bodyAsString());
    String scraper = scraperToken.bodyAsJsonObject().getString("access_token");
    assertEquals(200, asBearer(scraper, io.vertx.core.http.HttpMethod.GET, "/metrics", null).statusCode());
    assertProblem(asBearer(scraper, io.vertx.core.http.HttpMethod.GET, "/api/v1/wallets/" + walletId, null),
        403, "FORBIDDEN", null);
    assertProblem(asBearer(userToken, io.vertx.core.http.HttpMethod.GET, "/metrics", null), 403, "FORBIDDEN", null);
  }

  /** The cap on self-registered clients holds in the store itself, under its lock (issue #30). */
  @Test
  @Order(6)
  void registrationsStopAtTheCap() {
    io.vertx.sqlclient.Pool pool = io.walletplatform.common.db.PgPools.create(vertx,
        io.walletplatform.migrations.AuthDatabase.settings(config), "cap-test");
    try {
      long clients = Await.result(pool.query("SELECT count(*) FROM oauth_clients WHERE revoked_at IS NULL").execute())
          .iterator().next().getLong(0);
      io.walletplatform.common.auth.ClientStore store = new io.walletplatform.common.auth.ClientStore(pool, new byte[32]);
      assertEquals(null, Await.result(store.register("over the cap", java.util.Set.of(), (int) clients)));
      assertTrue(Await.result(store.register("under the cap", java.util.Set.of(), (int) clients + 1)) != null);
      assertEquals(null, Await.result(store.register("at the cap again", java.util.Set.of(), (int) clients + 1)));
    } finally {
      Await.result(pool.close());
    }
  }

  @Test
  @Order(7)
  void aRegistrationWithAnythingButAnOptionalNameIsAProblem() {
    assertProblem(register("{\"name\":5}"), 400, "VALIDATION_FAILED", "name");
    assertProblem(register("{\"name\":\"\"}"), 400, "VALIDATION_FAILED", "name");
    assertProblem(register("{\"name\":\"" + "x".repeat(101) + "\"}"), 400, "VALIDATION_FAILED", "name");
    assertProblem(register("{\"clientId\":\"" + Tokens.ADMIN_CLIENT + "\"}"), 400, "VALIDATION_FAILED", "clientId");
    assertProblem(register("{\"scopes\":\"funding\"}"), 400, "VALIDATION_FAILED", "scopes");
    assertProblem(register("{\"scopes\":[\"funding\",\"funding\"]}"), 400, "VALIDATION_FAILED", "scopes");
    assertProblem(register("{\"name\":"), 400, "MALFORMED_JSON", null);
    assertProblem(register("[]"), 400, "VALIDATION_FAILED", "body");
  }

  /**
   * An admin and the owner using the same Idempotency-Key on one account are two deposits: keys are
   * scoped per requester (they were per account, so the owner's deposit replayed the admin's).
   */
  @Test
  @Order(8)
  void depositKeysAreScopedPerRequester() {
    Client owner = register();
    assertEquals(200, asAdmin(io.vertx.core.http.HttpMethod.POST, "/oauth/clients/" + owner.id() + "/scopes",
        "{\"scopes\":[\"funding\"]}").statusCode(), "a top-up needs funding");
    String ownerToken = accessToken(owner);
    String adminToken = token(Tokens.ADMIN_CLIENT.toString(), ADMIN_SECRET, "payments admin").bodyAsJsonObject()
        .getString("access_token");
    HttpResponse<Buffer> opened = Await.result(http.post("/api/v1/accounts").putHeader("Authorization", "Bearer " + ownerToken)
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"initialBalance\":0}")));
    assertEquals(201, opened.statusCode(), opened.bodyAsString());
    String key = UUID.randomUUID().toString();
    for (String token : List.of(adminToken, ownerToken, ownerToken)) {
      HttpResponse<Buffer> deposit = Await.result(http.post("/api/v1/accounts/" + owner.id() + "/deposits")
          .putHeader("Authorization", "Bearer " + token).putHeader("Idempotency-Key", key)
          .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{\"amount\":10.00}")));
      assertEquals(200, deposit.statusCode(), deposit.bodyAsString());
    }
    HttpResponse<Buffer> account = Await.result(http.get("/api/v1/accounts/" + owner.id())
        .putHeader("Authorization", "Bearer " + ownerToken).send());
    assertEquals(0, new java.math.BigDecimal("20.00").compareTo(new java.math.BigDecimal(
        account.bodyAsJsonObject().getValue("balance").toString())), "the admin's and the owner's, once each: " + account.bodyAsString());
  }

  /** Guessing is slowed per client id; the owner, who knows the secret, is not held back by the guesses. */
  @Test
  @Order(9)
  void wrongSecretsAreAnsweredSlowlyButTheRightOneIsNeverHeldBack() {
    Client client = register();
    for (int i = 0; i < 7; i++) {
      assertInvalidClient(token(client.id(), "guess-" + i, null));
    }
    long guessStarted = System.nanoTime();
    assertInvalidClient(token(client.id(), "guess-late", null));
    long guessNanos = System.nanoTime() - guessStarted;
    assertTrue(guessNanos >= 1_000_000_000L, "the eighth wrong secret waited (1.6 s): " + guessNanos / 1_000_000 + " ms");
    long ownerStarted = System.nanoTime();
    assertEquals(200, token(client.id(), client.secret(), null).statusCode());
    long ownerNanos = System.nanoTime() - ownerStarted;
    assertTrue(ownerNanos < guessNanos / 2, "the right secret, after eight wrong ones, is answered at once: "
        + ownerNanos / 1_000_000 + " ms against the guess's " + guessNanos / 1_000_000 + " ms");
  }

  /**
   * One address cannot mint unlimited principals: registrations (20 a minute here) and token
   * requests (20 a second, bursts of 40) are 429 RATE_LIMITED with Retry-After past their budget.
   */
  @Test
  @Order(10)
  void registrationsAndTokenRequestsAreLimitedPerAddress() {
    HttpResponse<Buffer> limited = null;
    for (int i = 0; i < 40 && limited == null; i++) {
      HttpResponse<Buffer> response = register("{}");
      if (response.statusCode() == 429) {
        limited = response;
      } else {
        assertEquals(201, response.statusCode(), response.bodyAsString());
      }
    }
    assertTrue(limited != null, "40 registrations in a row passed");
    assertProblem(limited, 429, "RATE_LIMITED", null);
    assertTrue(Long.parseLong(limited.getHeader("Retry-After")) >= 1);

    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      burst.add(requestToken(UUID.randomUUID().toString(), "flood", null));
    }
    long tooMany = burst.stream().map(Await::result).filter(response -> response.statusCode() == 429).count();
    assertTrue(tooMany > 0, "120 token requests at once were all answered");
  }
}
