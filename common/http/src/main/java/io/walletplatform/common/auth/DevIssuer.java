package io.walletplatform.common.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.util.LruMap;
import io.walletplatform.common.util.Uuids;
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
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The platform's own token issuer, for when no OpenID Connect provider is configured: OAuth 2.0
 * client credentials (RFC 6749 §4.4) at {@code POST /oauth/token}, {@code sub} = the client id,
 * RS256 tokens whose public key is served at {@code /oauth/jwks.json}.
 *
 * <p>Every client has its own secret: registered at {@code POST /oauth/clients} ({@link ClientStore},
 * shared through PostgreSQL by every process that issues tokens), revoked at
 * {@code DELETE /oauth/clients/{id}}. The admin client is configured, never registered, and is the
 * only one that may ask for {@code admin}. {@code AUTH_DEV_SHARED_SECRET}, for tests and benchmarks
 * only, lets any UUID client id use one secret. The key pair, the secrets' hashing key and a
 * generated admin secret live in the key directory, so that tokens and clients survive a restart
 * and every process started on that directory shares them.
 */
public final class DevIssuer {

  private static final Logger log = LoggerFactory.getLogger(DevIssuer.class);

  public static final Set<String> USER_SCOPES = Set.of("wallets", "payments", "orders");
  public static final String DEFAULT_SCOPE = "wallets payments orders";
  /** What an admin may grant a client beyond the user scopes (never admin: that is the configured admin client's alone). */
  public static final Set<String> GRANTABLE_SCOPES = Set.of(Principal.FUNDING_SCOPE, Principal.METRICS_SCOPE);
  private static final Set<String> KNOWN_SCOPES = Set.of("wallets", "payments", "orders", Principal.ADMIN_SCOPE,
      Principal.FUNDING_SCOPE, Principal.METRICS_SCOPE);
  /** A shared-secret client (tests and benchmarks only) may fund, never administer. */
  private static final Set<String> SHARED_SECRET_SCOPES = Set.of("wallets", "payments", "orders",
      Principal.FUNDING_SCOPE, Principal.METRICS_SCOPE);
  private static final Set<String> METRICS_CLIENT_SCOPES = Set.of(Principal.METRICS_SCOPE);
  private static final String KEY_FILE = "signing-key.jwk.json";
  private static final String HASH_KEY_FILE = "client-hashing-key";
  private static final String ADMIN_SECRET_FILE = "admin-client-secret";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final int MAX_NAME_LENGTH = 100;
  /** Addresses and client ids remembered for the limits: enough for a flood, bounded whatever it sends. */
  private static final int MAX_TRACKED_KEYS = 100_000;
  /** Wrong secrets for one client id before its failures are answered slowly, and the slowest answer. */
  private static final int FREE_FAILURES = 3;
  private static final long MAX_FAILURE_DELAY_MS = 5_000;
  private static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
  private static final long REVOCATION_POLL_SECONDS = 10;

  private final Vertx vertx;
  private final AuthSettings settings;
  private final JsonObject publicKey;
  private final JWTAuth signer;
  private final byte[] sharedSecret;
  private final byte[] adminSecret;
  private final byte[] metricsSecret;
  private final ClientStore clients;
  private final RateLimiter tokenRequests;
  private final RateLimiter registrations;
  private final LruMap<UUID, long[]> failures = new LruMap<>(MAX_TRACKED_KEYS);
  private volatile Revocations revocations = new Revocations();
  /** Whether the last read of the revocation list succeeded: {@code /oauth/revoked} answers 503 while not. */
  private volatile boolean revocationListCurrent = true;

  private DevIssuer(Vertx vertx, AuthSettings settings, JsonObject privateKey, ClientStore clients, String adminSecret,
                    String metricsSecret) {
    this.vertx = vertx;
    this.settings = settings;
    this.publicKey = Jwks.publicPart(privateKey);
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(privateKey));
    this.sharedSecret = settings.devSharedSecret().map(text -> text.getBytes(StandardCharsets.UTF_8)).orElse(null);
    this.adminSecret = adminSecret == null ? null : adminSecret.getBytes(StandardCharsets.UTF_8);
    this.metricsSecret = metricsSecret == null ? null : metricsSecret.getBytes(StandardCharsets.UTF_8);
    this.clients = clients;
    this.tokenRequests = new RateLimiter(settings.tokenRequestsPerAddressPerSecond(),
        settings.tokenRequestsPerAddressPerSecond() * 2, MAX_TRACKED_KEYS);
    this.registrations = new RateLimiter(settings.registrationsPerAddressPerMinute() / 60.0,
        settings.registrationsPerAddressPerMinute(), MAX_TRACKED_KEYS);
  }

  /**
   * Loads the key pair, the hashing key and the admin secret from the key directory, creating them
   * on first use (blocking: file IO). {@code clientsPool} is the {@code auth} database, or
   * {@code null} for an issuer without registration (tests that only use the shared secret).
   */
  public static DevIssuer open(Vertx vertx, AuthSettings settings, Pool clientsPool) {
    Path directory = settings.devKeyDirectory();
    try {
      Files.createDirectories(directory);
      JsonObject key = new JsonObject(readOrCreate(directory.resolve(KEY_FILE), DevIssuer::newKey));
      ClientStore clients = clientsPool == null ? null : new ClientStore(clientsPool,
          Base64.getUrlDecoder().decode(readOrCreate(directory.resolve(HASH_KEY_FILE), ClientStore::newSecret).trim()));
      String adminSecret = configuredSecret("admin", settings.adminClientId(), settings.adminClientSecret(),
          directory.resolve(ADMIN_SECRET_FILE), "AUTH_ADMIN_CLIENT_SECRET");
      String metricsSecret = configuredSecret("metrics", settings.metricsClientId(), settings.metricsClientSecret(),
          settings.metricsSecretFile(), "AUTH_METRICS_CLIENT_SECRET");
      if (settings.devSharedSecret().isPresent()) {
        log.warn("development issuer: AUTH_DEV_SHARED_SECRET is set: ANY client id with that one secret gets a token "
            + "(and the admin client id gets admin). For automated tests and benchmarks only; never expose this process.");
      }
      return new DevIssuer(vertx, settings, key, clients, adminSecret, metricsSecret);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the development issuer's keys in " + directory, e);
    }
  }

  /**
   * The secret of a configured client (the admin, the metrics scraper): the one configured, or, when
   * none is, one generated into the key directory (its path logged, never its value: logs are read
   * by more people than the admin). {@code null} when the client itself is not configured.
   */
  private static String configuredSecret(String role, Optional<UUID> clientId, Optional<String> configured, Path path,
                                         String variable) throws IOException {
    if (clientId.isEmpty()) {
      return null;
    }
    if (configured.isPresent()) {
      return configured.get();
    }
    Files.createDirectories(path.getParent());
    String secret = readOrCreate(path, ClientStore::newSecret).trim();
    log.info("development issuer: the {} client {} authenticates with the secret in {} (set {} to choose one)",
        role, clientId.get(), path, variable);
    return secret;
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
      Files.writeString(temp, create.get() + "\n");
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

  /**
   * Keeps {@code revocations} equal to the clients revoked while a token of theirs may still be
   * alive (every {@value #REVOCATION_POLL_SECONDS} s, and at once for a revocation made here); the
   * result completes after the first read (never fails: a failed read is logged and retried).
   */
  public Future<Void> feed(Revocations revocations) {
    this.revocations = revocations;
    if (clients == null) {
      return Future.succeededFuture();
    }
    Duration window = settings.devTokenTtl().plus(settings.clockSkew());
    java.util.function.Supplier<Future<Void>> poll = () -> clients.revocations(window)
        .onSuccess(listed -> {
          revocations.replace(listed);
          revocationListCurrent = true;
        })
        .<Void>mapEmpty()
        .recover(error -> {
          // Verifiers keep the list they have; /oauth/revoked says it is stale rather than serve it as current.
          revocationListCurrent = false;
          log.warn("the revocation list could not be read: {}", error.getMessage());
          return Future.succeededFuture();
        });
    vertx.setPeriodic(REVOCATION_POLL_SECONDS * 1_000, ignored -> poll.get());
    return poll.get();
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

  /** {@code POST /oauth/token}: errors as RFC 6749 §5.2 describes them, never problem+json (but a 429 is one). */
  public void serveToken(RoutingContext ctx) {
    if (!admit(ctx, tokenRequests, "token requests")) {
      return;
    }
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
    String requested = form.get("scope");
    Set<String> asked = scopes(requested);
    if (asked.isEmpty() || !KNOWN_SCOPES.containsAll(asked)) {
      error(ctx, 400, "invalid_scope", "scopes are wallets, payments, orders, funding, metrics and admin, "
          + "separated by single spaces");
      return;
    }
    UUID clientId = Uuids.canonical(client[0]);
    Future<Allowed> authenticated = clientId == null ? Future.succeededFuture(null) : authenticate(clientId, client[1]);
    authenticated.onComplete(result -> {
      if (result.failed()) {
        log.warn("a client could not be checked: {}", result.cause().getMessage());
        ctx.fail(ProblemException.unavailable("the client store is unavailable; retry shortly", 1));
        return;
      }
      Allowed may = result.result();
      if (may == null) {
        refuse(ctx, clientId);
        return;
      }
      Set<String> allowed = may.scopes();
      Set<String> scopes = requested != null ? asked : may.defaults();
      if (!allowed.containsAll(scopes)) {
        Set<String> refused = new TreeSet<>(scopes);
        refused.removeAll(allowed);
        error(ctx, 400, "invalid_scope", "this client may not have " + String.join(" ", refused)
            + (refused.contains(Principal.ADMIN_SCOPE) ? " (admin is the configured admin client's alone)"
            : " (funding and metrics are granted by an admin)"));
        return;
      }
      failures.remove(clientId);
      String token = issue(clientId.toString(), scopes);
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache")
          .end(new JsonObject().put("access_token", token).put("token_type", "Bearer")
              .put("expires_in", settings.devTokenTtl().toSeconds()).put("scope", String.join(" ", scopes)).encode());
    });
  }

  /**
   * What an authenticated client may have: {@code scopes}, and {@code defaults} when it asks for none
   * (a registered client's grants come with its tokens; the admin's and the shared secret's other
   * scopes are asked for by name).
   */
  private record Allowed(Set<String> scopes, Set<String> defaults) {
    static final Set<String> USER_DEFAULT = new LinkedHashSet<>(List.of(DEFAULT_SCOPE.split(" ")));
  }

  /** The requested scopes (RFC 6749 §3.3: separated by single spaces), the default when none is asked for. */
  private static Set<String> scopes(String requested) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String scope : (requested == null ? DEFAULT_SCOPE : requested).split(" ", -1)) {
      scopes.add(scope);
    }
    scopes.remove("");
    return scopes;
  }

  /**
   * The scopes the client may have when {@code secret} is its own, {@code null} when it is not: the
   * admin client's configured secret (every scope), the metrics client's (metrics only), a registered
   * client's own (the user scopes and what an admin granted it), or, for tests and benchmarks only,
   * the shared secret (every scope but admin, which stays the admin client's). Every comparison is
   * constant-time.
   */
  private Future<Allowed> authenticate(UUID clientId, String secret) {
    byte[] presented = secret.getBytes(StandardCharsets.UTF_8);
    boolean admin = settings.adminClientId().map(clientId::equals).orElse(false);
    if (sharedSecret != null && MessageDigest.isEqual(sharedSecret, presented)) {
      return Future.succeededFuture(new Allowed(admin ? KNOWN_SCOPES : SHARED_SECRET_SCOPES, Allowed.USER_DEFAULT));
    }
    if (admin) {
      return Future.succeededFuture(adminSecret != null && MessageDigest.isEqual(adminSecret, presented)
          ? new Allowed(KNOWN_SCOPES, Allowed.USER_DEFAULT) : null);
    }
    if (settings.metricsClientId().map(clientId::equals).orElse(false)) {
      return Future.succeededFuture(metricsSecret != null && MessageDigest.isEqual(metricsSecret, presented)
          ? new Allowed(METRICS_CLIENT_SCOPES, METRICS_CLIENT_SCOPES) : null);
    }
    if (clients == null) {
      return Future.succeededFuture(null);
    }
    return clients.check(clientId, secret).map(checked -> {
      if (checked.check() != ClientStore.Check.VALID) {
        return null;
      }
      Set<String> allowed = new LinkedHashSet<>(Allowed.USER_DEFAULT);
      checked.granted().stream().sorted().forEach(allowed::add);
      return new Allowed(allowed, allowed);
    });
  }

  /**
   * 401 invalid_client. After {@value #FREE_FAILURES} wrong secrets for one client id within a
   * minute the answer comes later and later (up to {@value #MAX_FAILURE_DELAY_MS} ms): guessing is
   * slowed, and a request with the right secret is never held back (it is answered at once).
   */
  private void refuse(RoutingContext ctx, UUID clientId) {
    long delay = 0;
    if (clientId != null) {
      long now = System.nanoTime();
      long[] counted = failures.computeIfAbsent(clientId, ignored -> new long[] {0, now});
      synchronized (counted) {
        if (now - counted[1] > FAILURE_WINDOW.toNanos()) {
          counted[0] = 0;
        }
        counted[0]++;
        counted[1] = now;
        if (counted[0] > FREE_FAILURES) {
          delay = Math.min(MAX_FAILURE_DELAY_MS, 100L << Math.min(10, counted[0] - FREE_FAILURES - 1));
        }
      }
    }
    Runnable answer = () -> {
      if (usedBasic(ctx)) {
        // RFC 6749 §5.2: a challenge in the scheme the client used. Not for form credentials: a
        // browser would answer a Basic challenge to a fetch with its own login dialog.
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"wallet-platform\"");
      }
      error(ctx, 401, "invalid_client", "unknown client, revoked client or wrong secret");
    };
    if (delay == 0) {
      answer.run();
    } else {
      vertx.setTimer(delay, ignored -> {
        if (!ctx.response().ended() && !ctx.response().closed()) {
          answer.run();
        }
      });
    }
  }

  /**
   * {@code POST /oauth/clients}: a new client and its secret, shown this once. Anyone, while
   * registration is open ({@code AUTH_DEV_REGISTRATION}) and fewer than {@code AUTH_DEV_CLIENTS_MAX}
   * clients exist; an admin always, and only an admin may grant {@code scopes} at creation.
   *
   * @param admin whether the request carries a valid admin token
   */
  public void serveRegistration(RoutingContext ctx, boolean admin) {
    if (clients == null || !admin && !settings.registration()) {
      ctx.fail(ProblemException.notFound("NOT_FOUND", "registration is turned off (AUTH_DEV_REGISTRATION=false): "
          + "an admin creates clients"));
      return;
    }
    if (!admin && !admit(ctx, registrations, "registrations")) {
      return;
    }
    JsonNode body = RequestBodies.object(ctx);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!"name".equals(field) && !"scopes".equals(field)) {
        throw ProblemException.validation(field, "is not a field of a registration (only name and scopes)");
      }
    }
    Set<String> granted = grantableScopes(body.get("scopes"));
    if (!granted.isEmpty() && !admin) {
      throw ProblemException.forbidden("only an admin grants scopes to a client");
    }
    String name = null;
    JsonNode given = body.get("name");
    if (given != null && !given.isNull()) {
      if (!given.isTextual() || given.asText().isEmpty() || given.asText().length() > MAX_NAME_LENGTH) {
        throw ProblemException.validation("name", "must be a string of 1 to " + MAX_NAME_LENGTH + " characters");
      }
      name = given.asText();
    }
    clients.register(name, granted, admin ? Integer.MAX_VALUE : settings.clientsMax()).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      ClientStore.Registered client = result.result();
      if (client == null) {
        ctx.fail(ProblemException.conflict("LIMIT_REACHED", "the issuer has as many clients as it may ("
            + settings.clientsMax() + ", AUTH_DEV_CLIENTS_MAX): an admin can still create one"));
        return;
      }
      ctx.response().setStatusCode(201)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader(HttpHeaders.LOCATION, "/oauth/clients/" + client.clientId())
          .end(new JsonObject().put("clientId", client.clientId().toString()).put("clientSecret", client.secret())
              .put("name", client.name()).put("scopes", new JsonArray(List.copyOf(new TreeSet<>(client.scopes()))))
              .put("createdAt", client.createdAt().toInstant().toString()).encode());
    });
  }

  /**
   * {@code DELETE /oauth/tokens/{jti}}, by an admin: that one token is refused at once here and within
   * the revocation poll elsewhere, until it would have expired anyway. The way to withdraw an admin
   * token (the admin client itself cannot be revoked: it is configured). 204; 404 when already revoked.
   */
  public void serveTokenRevocation(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    if (!principal.isAdmin()) {
      throw ProblemException.forbidden("only an admin revokes tokens by id");
    }
    String jti = ctx.pathParam("jti");
    if (jti == null || jti.isEmpty() || jti.length() > Principal.MAX_SUBJECT_LENGTH || clients == null) {
      ctx.fail(ProblemException.notFound("TOKEN_NOT_FOUND", "no such token"));
      return;
    }
    java.time.OffsetDateTime expiresAt = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
        .plus(settings.devTokenTtl()).plus(settings.clockSkew());
    clients.revokeToken(jti, principal.subject(), expiresAt).onComplete(revoked -> {
      if (revoked.failed()) {
        ctx.fail(revoked.cause());
      } else if (!revoked.result()) {
        ctx.fail(ProblemException.notFound("TOKEN_NOT_FOUND", "that token was revoked before"));
      } else {
        revocations.addToken(jti);
        log.info("token {} revoked by {}", jti, principal.subject());
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  /**
   * {@code POST /oauth/clients/{clientId}/scopes} {@code {"scopes": ["funding"]}}, by an admin: adds
   * to what the client's next tokens may carry (tokens already issued keep theirs). 200
   * {@code {"clientId", "scopes"}}; an unknown or revoked client 404.
   */
  public void serveGrant(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    if (!principal.isAdmin()) {
      throw ProblemException.forbidden("only an admin grants scopes");
    }
    UUID clientId = Uuids.canonical(ctx.pathParam("clientId"));
    JsonNode body = RequestBodies.object(ctx);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!"scopes".equals(field)) {
        throw ProblemException.validation(field, "is not a field of a grant (only scopes)");
      }
    }
    if (body.get("scopes") == null) {
      throw ProblemException.validation("scopes", "is required");
    }
    Set<String> scopes = grantableScopes(body.get("scopes"));
    if (clientId == null || clients == null) {
      ctx.fail(ProblemException.notFound("CLIENT_NOT_FOUND", "no such client"));
      return;
    }
    clients.grant(clientId, scopes).onComplete(granted -> {
      if (granted.failed()) {
        ctx.fail(granted.cause());
      } else if (granted.result() == null) {
        ctx.fail(ProblemException.notFound("CLIENT_NOT_FOUND", "no such client"));
      } else {
        log.info("client {} granted {} by {}", clientId, scopes, principal.subject());
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(new JsonObject().put("clientId", clientId.toString())
                .put("scopes", new JsonArray(List.copyOf(granted.result()))).encode());
      }
    });
  }

  /** {@code scopes} of a registration or a grant: absent is none; otherwise an array of distinct grantable scopes. */
  private static Set<String> grantableScopes(JsonNode given) {
    if (given == null || given.isNull()) {
      return Set.of();
    }
    if (!given.isArray() || given.size() > GRANTABLE_SCOPES.size()) {
      throw ProblemException.validation("scopes", "must be an array of at most " + GRANTABLE_SCOPES.size()
          + " of: funding, metrics");
    }
    Set<String> scopes = new TreeSet<>();
    for (JsonNode scope : given) {
      if (!scope.isTextual() || !GRANTABLE_SCOPES.contains(scope.asText()) || !scopes.add(scope.asText())) {
        throw ProblemException.validation("scopes", "must hold distinct scopes among funding and metrics "
            + "(admin is granted to no client)");
      }
    }
    return scopes;
  }

  /**
   * {@code DELETE /oauth/clients/{clientId}}, by the client itself or {@code admin}: its secret
   * stops working at once, its tokens here at once and in every other process at its next poll of
   * the revocation list. Another principal's client answers 404, as if it did not exist.
   */
  public void serveRevocation(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID clientId = Uuids.canonical(ctx.pathParam("clientId"));
    if (clientId == null || clients == null || !(principal.isAdmin() || principal.subject().equals(clientId.toString()))) {
      ctx.fail(ProblemException.notFound("CLIENT_NOT_FOUND", "no such client"));
      return;
    }
    clients.revoke(clientId).onComplete(revoked -> {
      if (revoked.failed()) {
        ctx.fail(revoked.cause());
      } else if (!revoked.result()) {
        ctx.fail(ProblemException.notFound("CLIENT_NOT_FOUND", "no such client"));
      } else {
        revocations.add(clientId.toString());
        log.info("client {} revoked by {}", clientId, principal.subject());
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  /**
   * {@code GET /oauth/revoked}: the clients and token ids whose unexpired tokens other processes must
   * refuse; 503 while the list cannot be read from the client store (a reader keeps its last list:
   * fail closed, never an empty list taken for the truth).
   */
  public void serveRevoked(RoutingContext ctx) {
    if (!revocationListCurrent) {
      ctx.fail(ProblemException.unavailable("the revocation list cannot be read now; keep the last one", 5));
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(revocations.toJson().encode());
  }

  /**
   * Per source address: the TCP peer, or the client a trusted proxy forwarded ({@code HTTP_TRUSTED_PROXIES});
   * an IPv6 client counts as its /64.
   */
  private boolean admit(RoutingContext ctx, RateLimiter limiter, String what) {
    String address = settings.clientAddress().key(ctx.request());
    long wait = limiter.admit(address, System.nanoTime());
    if (wait == 0) {
      return true;
    }
    ctx.fail(ProblemException.rateLimited("too many " + what + " from this address; retry after " + wait + " s", wait));
    return false;
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

  private static void error(RoutingContext ctx, int status, String error, String description) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(new JsonObject().put("error", error).put("error_description", description).encode());
  }
}
