package io.walletplatform.common.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The platform's own token issuer, for when no OpenID Connect provider is configured: OAuth 2.0
 * client credentials (RFC 6749 §4.4) at {@code POST /oauth/token}, any UUID {@code client_id} with
 * the development secret, {@code sub} = the client id, RS256 tokens whose public key is served at
 * {@code /oauth/jwks.json}. The key pair and the generated secret live in the key directory, so
 * that tokens survive a restart and every process started on that directory shares them.
 */
public final class DevIssuer {

  private static final Logger log = LoggerFactory.getLogger(DevIssuer.class);

  public static final Set<String> USER_SCOPES = Set.of("wallets", "payments", "orders");
  public static final String DEFAULT_SCOPE = "wallets payments orders";
  private static final Set<String> KNOWN_SCOPES = Set.of("wallets", "payments", "orders", Principal.ADMIN_SCOPE);
  private static final String KEY_FILE = "signing-key.jwk.json";
  private static final String SECRET_FILE = "client-secret";
  private static final String FORM = "application/x-www-form-urlencoded";

  private final AuthSettings settings;
  private final JsonObject publicKey;
  private final byte[] secret;
  private final JWTAuth signer;

  private DevIssuer(Vertx vertx, AuthSettings settings, JsonObject privateKey, String secret) {
    this.settings = settings;
    this.publicKey = Jwks.publicPart(privateKey);
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateKey));
  }

  /** Loads the key pair and secret from the key directory, creating them on first use (blocking: file IO). */
  public static DevIssuer open(Vertx vertx, AuthSettings settings) {
    Path directory = settings.devKeyDirectory();
    try {
      Files.createDirectories(directory);
      JsonObject key = new JsonObject(readOrCreate(directory.resolve(KEY_FILE), DevIssuer::newKey));
      String secret = settings.devClientSecret().orElse(null);
      if (secret == null) {
        Path file = directory.resolve(SECRET_FILE);
        boolean existed = Files.exists(file);
        secret = readOrCreate(file, DevIssuer::newSecret).trim();
        if (!existed) {
          log.warn("development issuer: generated the client secret {} (kept in {}; set AUTH_DEV_CLIENT_SECRET to "
              + "choose one). Get a token: curl -d grant_type=client_credentials -d client_id=<any UUID> "
              + "-d client_secret=<secret> http://localhost:8080/oauth/token", secret, file);
        }
      }
      return new DevIssuer(vertx, settings, key, secret);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the development issuer's keys in " + directory, e);
    }
  }

  /**
   * The file's content; when it does not exist, writes {@code create}'s output to a private temp file
   * and links it in place, so that two processes starting together agree on one content.
   */
  private static String readOrCreate(Path file, java.util.function.Supplier<String> create) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file);
    }
    Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, create.get());
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        // Another process created it first: use theirs.
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return Files.readString(file);
  }

  private static String newKey() {
    return Jwks.newRsaKey(null).encodePrettily();
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n";
  }

  /** The public key set, as {@code /oauth/jwks.json} serves it. */
  public JsonObject jwks() {
    return new JsonObject().put("keys", new JsonArray().add(publicKey));
  }

  /** A token for {@code subject} with these scopes. */
  public String issue(String subject, Set<String> scopes) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", subject).put("scope", String.join(" ", scopes))
        .put("nbf", now).put("jti", UUID.randomUUID().toString());
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256")
        .setExpiresInSeconds((int) settings.devTokenTtl().toSeconds())
        .setIssuer(settings.devIssuer())
        .setAudience(List.of(settings.audience())));
  }

  public void serveJwks(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
        .end(jwks().encode());
  }

  /** {@code POST /oauth/token}: errors as RFC 6749 §5.2 describes them, never problem+json. */
  public void serveToken(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      error(ctx, 400, "invalid_request", "the body must be " + FORM);
      return;
    }
    MultiMap form = ctx.request().formAttributes();
    for (String name : form.names()) {
      if (form.getAll(name).size() > 1) {
        error(ctx, 400, "invalid_request", name + " is given more than once");
        return;
      }
    }
    String grantType = form.get("grant_type");
    if (grantType == null) {
      error(ctx, 400, "invalid_request", "grant_type is required");
      return;
    }
    if (!"client_credentials".equals(grantType)) {
      error(ctx, 400, "unsupported_grant_type", "only client_credentials is supported");
      return;
    }
    String[] client = clientCredentials(ctx, form);
    if (client == null) {
      return;
    }
    UUID clientId = parseUuid(client[0]);
    if (clientId == null || !clientId.toString().equals(client[0].toLowerCase(Locale.ROOT))
        || !MessageDigest.isEqual(secret, client[1].getBytes(StandardCharsets.UTF_8))) {
      if (usedBasic(ctx)) {
        // RFC 6749 §5.2: a challenge in the scheme the client used. Not for form credentials: a
        // browser would answer a Basic challenge to a fetch with its own login dialog.
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"wallet-platform\"");
      }
      error(ctx, 401, "invalid_client", "unknown client or wrong secret");
      return;
    }
    Set<String> scopes = new LinkedHashSet<>(List.of(form.get("scope") == null
        ? DEFAULT_SCOPE.split(" ") : form.get("scope").trim().split("\\s+")));
    scopes.remove("");
    if (scopes.isEmpty() || !KNOWN_SCOPES.containsAll(scopes)) {
      error(ctx, 400, "invalid_scope", "scopes are wallets, payments, orders and admin");
      return;
    }
    if (scopes.contains(Principal.ADMIN_SCOPE) && !settings.adminClientId().map(clientId::equals).orElse(false)) {
      error(ctx, 400, "invalid_scope", "admin is granted only to the configured admin client");
      return;
    }
    String token = issue(clientId.toString(), scopes);
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache")
        .end(new JsonObject().put("access_token", token).put("token_type", "Bearer")
            .put("expires_in", settings.devTokenTtl().toSeconds()).put("scope", String.join(" ", scopes)).encode());
  }

  /** {client_id, client_secret} from HTTP Basic or the form (not both), or {@code null} after answering the error. */
  private static String[] clientCredentials(RoutingContext ctx, MultiMap form) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    boolean inForm = form.contains("client_id") || form.contains("client_secret");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      if (inForm) {
        error(ctx, 400, "invalid_request", "authenticate the client with HTTP Basic or the form, not both");
        return null;
      }
      try {
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
              URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        }
      } catch (IllegalArgumentException malformed) {
        // answered below
      }
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"wallet-platform\"");
      error(ctx, 401, "invalid_client", "malformed HTTP Basic credentials");
      return null;
    }
    if (form.get("client_id") == null || form.get("client_secret") == null) {
      error(ctx, 401, "invalid_client", "client_id and client_secret are required");
      return null;
    }
    return new String[] {form.get("client_id"), form.get("client_secret")};
  }

  private static boolean usedBasic(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
  }

  private static UUID parseUuid(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void error(RoutingContext ctx, int status, String error, String description) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(new JsonObject().put("error", error).put("error_description", description).encode());
  }
}
