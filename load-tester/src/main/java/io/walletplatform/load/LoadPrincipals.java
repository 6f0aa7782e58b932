package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The principals a run acts as, each with its token: one given with {@code --token}, or as many as
 * asked for from an OAuth 2.0 token endpoint with client credentials ({@code --client-secret}, or the
 * development issuer's secret file of a local platform), with random client ids unless
 * {@code --client-id} names one.
 */
final class LoadPrincipals {

  static final String HELP = """
      Authentication (every /api/v1 call carries a bearer token):
        --token JWT             act as this one principal
        --client-secret S       get tokens with client credentials (default: $AUTH_DEV_CLIENT_SECRET, or the
                                development issuer's secret in --secret-file)
        --secret-file PATH      data/auth/client-secret
        --client-id UUID        one principal with this client id (default: a random one per principal)
        --token-url URL         <url>/oauth/token
        --scope "..."           wallets payments orders""";

  record Principal(String subject, String token) {
    UUID userId() {
      return UUID.fromString(subject);
    }
  }

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
    String secret = secret(options);
    URI tokenUrl = URI.create(options.text("token-url", base.resolve("/oauth/token").toString()));
    String scope = options.text("scope", "wallets payments orders");
    int count = options.has("client-id") ? 1 : wanted;
    List<Principal> principals = new ArrayList<>();
    Future<Void> fetched = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      String clientId = options.has("client-id") ? options.text("client-id", "") : UUID.randomUUID().toString();
      fetched = fetched.compose(ignored -> token(api, tokenUrl, clientId, secret, scope))
          .map(token -> {
            principals.add(new Principal(clientId, token));
            return null;
          });
    }
    return fetched.map(principals);
  }

  private static Future<String> token(Api api, URI tokenUrl, String clientId, String secret, String scope) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", clientId).add("client_secret", secret).add("scope", scope);
    return api.client().postAbs(tokenUrl.toString()).timeout(10_000).sendForm(form)
        .compose((HttpResponse<Buffer> response) -> response.statusCode() == 200
            ? Future.succeededFuture(response.bodyAsJsonObject().getString("access_token"))
            : Future.failedFuture("the token endpoint " + tokenUrl + " answered " + response.statusCode() + ": "
                + response.bodyAsString()));
  }

  private static String secret(Options options) {
    if (options.has("client-secret")) {
      return options.text("client-secret", "");
    }
    String fromEnvironment = System.getenv("AUTH_DEV_CLIENT_SECRET");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.trim();
    }
    Path file = Path.of(options.text("secret-file", "data/auth/client-secret"));
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("no --token or --client-secret given, and no development secret in " + file, e);
    }
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
