package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The principals a run acts as, each with its token: one given with {@code --token}, one client
 * given with {@code --client-id} and {@code --client-secret}, or as many as the run needs, each a
 * client registered at the development issuer ({@code POST /oauth/clients}, the default) or, for
 * tests and benchmarks on a platform started with {@code AUTH_DEV_SHARED_SECRET}, random client ids
 * with that one shared secret ({@code --shared-secret}).
 */
final class LoadPrincipals {

  static final String HELP = """
      Authentication (every /api/v1 call carries a bearer token):
        --token JWT             act as this one principal
        --client-id UUID        act as this one client ...
        --client-secret S       ... with its own secret
        --shared-secret S       tests and benchmarks only: random client ids with the platform's
                                AUTH_DEV_SHARED_SECRET (default: $AUTH_DEV_SHARED_SECRET when set)
                                (none of these: register one client per principal at <url>/oauth/clients)
        --admin-client-id UUID  register those clients as this admin, granting them funding
        --admin-client-secret S ... with its secret (the one-command platform's is in data/auth/admin-client-secret)
                                (without them, registration must be open and the clients cannot deposit)
        --token-url URL         <url>/oauth/token
        --scope "..."           wallets payments orders funding""";

  record Principal(String subject, String token) {
    UUID userId() {
      return UUID.fromString(subject);
    }
  }

  /** 429s waited out per request before giving up (a minute of registrations is 30 at the default limit). */
  private static final int MAX_ATTEMPTS = 300;

  private LoadPrincipals() {
  }

  static Future<List<Principal>> obtain(Api api, Options options, URI base, int wanted) {
    try {
      return fetch(api, options, base, wanted);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static Future<List<Principal>> fetch(Api api, Options options, URI base, int wanted) {
    if (options.has("token")) {
      String token = options.text("token", "");
      return Future.succeededFuture(List.of(new Principal(subjectOf(token), token)));
    }
    URI tokenUrl = URI.create(options.text("token-url", base.resolve("/oauth/token").toString()));
    String scope = options.text("scope", "wallets payments orders funding");
    if (options.has("client-id") || options.has("client-secret")) {
      String clientId = options.text("client-id", "");
      return token(api, tokenUrl, clientId, options.text("client-secret", ""), scope)
          .map(token -> List.of(new Principal(clientId, token)));
    }
    String shared = options.has("shared-secret") ? options.text("shared-secret", "") : System.getenv("AUTH_DEV_SHARED_SECRET");
    List<Principal> principals = new ArrayList<>();
    boolean sharing = shared != null && !shared.isBlank();
    // Clients registered by an admin get funding: only a funding principal may deposit (issue #30).
    Future<String> registrar = !sharing && options.has("admin-client-id")
        ? token(api, tokenUrl, options.text("admin-client-id", ""), options.text("admin-client-secret", ""), "admin")
        : Future.succeededFuture(null);
    return registrar.compose(adminToken -> InOrder.run(wanted, index -> (sharing
            ? Future.succeededFuture(new String[] {UUID.randomUUID().toString(), shared.trim()})
            : register(api, base, adminToken))
        .compose(credentials -> token(api, tokenUrl, credentials[0], credentials[1],
                adminToken == null && !sharing ? scope.replace(" funding", "").replace("funding ", "") : scope)
            .map(token -> principals.add(new Principal(credentials[0], token))))))
        .map(principals);
  }

  /**
   * The development issuer limits registrations and token requests per address (429 with
   * Retry-After): a run that needs a hundred principals waits as it says, up to a few minutes.
   */
  private static Future<HttpResponse<Buffer>> patiently(Api api, java.util.function.Supplier<Future<HttpResponse<Buffer>>> send,
                                                       int attemptsLeft) {
    return send.get().compose(response -> {
      if (response.statusCode() != 429 || attemptsLeft <= 1) {
        return Future.succeededFuture(response);
      }
      long seconds = 1;
      try {
        seconds = Math.max(1, Math.min(60, Long.parseLong(String.valueOf(response.getHeader("Retry-After")))));
      } catch (NumberFormatException ignored) {
        // one second
      }
      io.vertx.core.Promise<HttpResponse<Buffer>> later = io.vertx.core.Promise.promise();
      api.vertx().setTimer(seconds * 1_000, ignored -> patiently(api, send, attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  /** A new client at the development issuer: {clientId, clientSecret}. */
  private static Future<String[]> register(Api api, URI base, String adminToken) {
    String url = base.resolve("/oauth/clients").toString();
    JsonObject body = new JsonObject().put("name", "load-tester");
    if (adminToken != null) {
      body.put("scopes", new io.vertx.core.json.JsonArray().add("funding"));
    }
    return patiently(api, () -> {
          var request = api.client().postAbs(url).timeout(10_000);
          if (adminToken != null) {
            request.putHeader("Authorization", "Bearer " + adminToken);
          }
          return request.sendJsonObject(body);
        }, MAX_ATTEMPTS)
        .compose((HttpResponse<Buffer> response) -> response.statusCode() == 201
            ? Future.succeededFuture(new String[] {response.bodyAsJsonObject().getString("clientId"),
                response.bodyAsJsonObject().getString("clientSecret")})
            : Future.failedFuture(url + " answered " + response.statusCode() + ": " + response.bodyAsString()
                + (response.statusCode() == 429 ? " (registrations are limited per address: use --shared-secret "
                + "on a platform started with AUTH_DEV_SHARED_SECRET for many principals)" : "")));
  }

  private static Future<String> token(Api api, URI tokenUrl, String clientId, String secret, String scope) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", clientId).add("client_secret", secret).add("scope", scope);
    return patiently(api, () -> api.client().postAbs(tokenUrl.toString()).timeout(10_000).sendForm(form), MAX_ATTEMPTS)
        .compose((HttpResponse<Buffer> response) -> response.statusCode() == 200
            ? Future.succeededFuture(response.bodyAsJsonObject().getString("access_token"))
            : Future.failedFuture("the token endpoint " + tokenUrl + " answered " + response.statusCode() + ": "
                + response.bodyAsString()));
  }

  /** The sub of a token (read, not verified: the server verifies). */
  static String subjectOf(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("--token is not a JWT");
    }
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    return new JsonObject(payload).getString("sub");
  }
}
