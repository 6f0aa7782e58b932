package io.walletplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.walletplatform.common.util.LruMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies bearer tokens with vertx-auth-jwt and remembers the ones it verified.
 *
 * <p>Signature, {@code alg} (only the algorithms of the issuer's own keys: an {@code alg: none} or
 * an HMAC token finds no key), {@code iss}, {@code aud}, {@code exp} and {@code nbf} (with the
 * configured skew) are checked by {@link JWTAuth}; this class adds that {@code exp} and {@code sub}
 * must be present. A verified token is kept until its {@code exp} in a bounded map, so the hot path
 * pays one lookup instead of an RSA or ECDSA verification per request.
 *
 * <p>Keys come from the issuer's JWKS, by {@code kid}. A token whose {@code kid} is unknown makes the
 * verifier download the key set again (at most once per {@code jwksMinRefresh}); the set is also
 * downloaded every {@code jwksRefresh}. Each remembered token carries the generation of the key set
 * that verified it and is served from memory only while that set is current, so a removed key
 * stops working at once, even for a verification that raced with the swap. A token whose client
 * was revoked at the issuer ({@link Revocations}) is refused whatever its signature.
 */
public final class TokenVerifier implements JWTAuth {

  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);
  private static final long JWKS_TIMEOUT_MS = 5_000;
  private static final long NANOS_PER_MS = 1_000_000L;
  private static final long RETRY_AFTER_FAILURE_MS = 1_000;
  /** How often another process's revocation list is read: a revoked client's tokens stop within this (API.md: 60 s). */
  private static final long REVOCATION_POLL_MS = 10_000;

  /** A verified token: its user, {@code sub} and {@code exp}, and the key-set generation that verified it. */
  private record Verified(Authenticated authenticated, String subject, String jti, long expiresAtSeconds,
                          long generation) {
  }

  /**
   * A token as the cache's key: equal when the whole token is, hashed over its last
   * {@value #HASHED_TAIL} characters only. They are the signature's, different for every token an
   * issuer signs, while {@link String#hashCode} read all ~640 characters of every request's token (a
   * per-cent of the hot path's CPU). Only verified tokens are stored: a token shaped to collide with
   * one finds it unequal and is verified like any unknown token.
   */
  private record TokenKey(String token) {

    private static final int HASHED_TAIL = 32;

    @Override
    public int hashCode() {
      int hash = 0;
      for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
        hash = 31 * hash + token.charAt(i);
      }
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TokenKey key && key.token.equals(token);
    }

    /** Never the token: it is a credential. */
    @Override
    public String toString() {
      return "TokenKey[" + token.length() + " characters]";
    }
  }

  /**
   * A verified token's user and its {@link Principal}, made once when the token is verified: the hot
   * path reads the principal's scopes on every request, and parsing them from the claims each time
   * cost more than the cache lookup that found the token.
   */
  public record Authenticated(User user, Principal principal) {
  }

  private final Vertx vertx;
  private final AuthSettings settings;
  private final URI keySetUrl;
  private final HttpClient http;
  private final LruMap<TokenKey, Verified> verified;
  private final Revocations revocations = new Revocations();
  private final AtomicReference<Future<Void>> refreshing = new AtomicReference<>();
  private volatile JWTAuth keys;
  private volatile JsonArray keySet = new JsonArray();
  /** Incremented after each new key set is installed; a remembered token from an older one is verified again. */
  private volatile long generation;
  private volatile long lastRefreshNanos;
  private volatile long lastAttemptNanos;

  private TokenVerifier(Vertx vertx, AuthSettings settings, URI keySetUrl, HttpClient http) {
    this.vertx = vertx;
    this.settings = settings;
    this.keySetUrl = keySetUrl;
    this.http = http;
    this.keys = null;
    this.verified = new LruMap<>(Math.max(1, settings.tokenCacheEntries()));
    this.lastRefreshNanos = System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1);
    this.lastAttemptNanos = lastRefreshNanos;
  }

  /** A verifier of a fixed key set (the development issuer's own). */
  public static TokenVerifier withKeys(Vertx vertx, AuthSettings settings, JsonArray keys) {
    TokenVerifier verifier = new TokenVerifier(vertx, settings, null, null);
    verifier.install(keys);
    return verifier;
  }

  /**
   * A verifier of an external issuer's keys, downloaded from {@code keySetUrl} (or from the
   * {@code jwks_uri} of the issuer's discovery document when it is {@code null}). An issuer that
   * cannot be reached at start does not stop the service: the keys are fetched again on the first
   * token, and until then every token is refused.
   */
  public static Future<TokenVerifier> remote(Vertx vertx, AuthSettings settings, URI keySetUrl) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) JWKS_TIMEOUT_MS));
    Future<URI> url = keySetUrl != null ? Future.succeededFuture(keySetUrl) : discover(http, settings.issuer());
    return url.map(found -> {
      TokenVerifier verifier = new TokenVerifier(vertx, settings, found, http);
      // Lives as long as the Vert.x instance, like the verifier (one per process).
      vertx.setPeriodic(settings.jwksRefresh().toMillis(), ignored -> verifier.refresh());
      settings.revocationUrl().ifPresent(revoked ->
          vertx.setPeriodic(REVOCATION_POLL_MS, ignored -> verifier.readRevocations(revoked)));
      return verifier;
    }).compose(verifier -> verifier.refresh()
        .recover(error -> {
          log.warn("the issuer's keys could not be read from {} yet: {}", verifier.keySetUrl, error.getMessage());
          return Future.succeededFuture();
        })
        // The first revocation list before the first token, as the first key set: a process that
        // just started does not accept a revoked client's token until its first poll.
        .compose(ignored -> settings.revocationUrl().map(verifier::readRevocations).orElse(Future.succeededFuture()))
        .map(verifier));
  }

  /** Replaces the revocations with the issuer's list; a failed read keeps the last one (never fails). */
  private Future<Void> readRevocations(URI list) {
    return get(http, list).map(body -> Revocations.fromJson(new JsonObject(body)))
        .onSuccess(revocations::replace)
        .<Void>mapEmpty()
        .recover(error -> {
          log.warn("the revocation list could not be read from {}: {}", list, error.getMessage());
          return Future.succeededFuture();
        });
  }

  private static Future<URI> discover(HttpClient http, String issuer) {
    URI document = URI.create(issuer.endsWith("/") ? issuer : issuer + "/").resolve(".well-known/openid-configuration");
    return get(http, document).map(body -> {
      String jwksUri = new JsonObject(body).getString("jwks_uri");
      if (jwksUri == null) {
        throw new IllegalStateException("the discovery document " + document + " names no jwks_uri");
      }
      return URI.create(jwksUri);
    });
  }

  private static Future<String> get(HttpClient http, URI uri) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri.toString())
            .setTimeout(JWKS_TIMEOUT_MS).putHeader("accept", "application/json"))
        .compose(request -> request.send().compose(response -> response.statusCode() == 200
            ? response.body().map(buffer -> buffer.toString())
            : Future.failedFuture(uri + " answered " + response.statusCode())));
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token) || token.getToken() == null) {
      return Future.failedFuture("a bearer token is required");
    }
    return verifyToken(token.getToken()).map(Authenticated::user);
  }

  /** The token's user and principal, from memory when this verifier verified it before; fails for a bad token. */
  public Future<Authenticated> verifyToken(String text) {
    TokenKey key = new TokenKey(text);
    Verified known = settings.tokenCacheEntries() == 0 ? null : verified.get(key);
    if (known != null && known.generation() == generation) {
      if (revocations.revoked(known.subject(), known.jti())) {
        return Future.failedFuture("the token or its client was revoked");
      }
      if (System.currentTimeMillis() / 1000 - settings.clockSkew().toSeconds() < known.expiresAtSeconds()) {
        return Future.succeededFuture(known.authenticated());
      }
      verified.remove(key);
      return Future.failedFuture("the token expired");
    }
    return verify(text, true);
  }

  /** The clients whose tokens this verifier refuses although they verify (revoked at the issuer). */
  public Revocations revocations() {
    return revocations;
  }

  private Future<Authenticated> verify(String token, boolean mayRefresh) {
    // The generation before the keys: install() publishes the keys first, so a token verified with
    // keys that are being replaced is tagged with the old generation and never served from memory.
    long generationUsed = generation;
    JWTAuth current = keys;
    Future<User> checked;
    try {
      // vertx-auth-jwt without any key runs in "unsecured" mode and accepts unsigned tokens: never ask it then.
      checked = current == null ? Future.failedFuture(new NoSuchKeyIdException("no usable key"))
          : current.authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformedClaims) {
      // vertx-auth-jwt reads some claims unchecked ("exp": "soon" is a ClassCastException): still just a bad token.
      checked = Future.failedFuture(malformedClaims);
    }
    return checked.compose(user -> {
      Object exp = user.attributes().getValue("exp");
      Long expiresAt = exp instanceof Number number ? number.longValue() : null;
      String subject = Principal.subject(Principal.claims(user));
      if (expiresAt == null) {
        return Future.failedFuture("the token has no exp");
      }
      if (subject == null || subject.isEmpty() || subject.length() > Principal.MAX_SUBJECT_LENGTH) {
        return Future.failedFuture("the token's sub is missing, not a string, empty or longer than "
            + Principal.MAX_SUBJECT_LENGTH);
      }
      String jti = Principal.claims(user).getValue("jti") instanceof String text ? text : null;
      if (revocations.revoked(subject, jti)) {
        return Future.failedFuture("the token or its client was revoked");
      }
      Authenticated authenticated = new Authenticated(user, Principal.of(user));
      remember(token, new Verified(authenticated, subject, jti, expiresAt, generationUsed));
      return Future.succeededFuture(authenticated);
    }, error -> {
      if (mayRefresh && error instanceof NoSuchKeyIdException && mayRefreshNow()) {
        return refresh().compose(ignored -> verify(token, false), ignored -> Future.failedFuture(error));
      }
      return Future.failedFuture(error);
    });
  }

  private void remember(String token, Verified entry) {
    if (settings.tokenCacheEntries() == 0 || entry.generation() != generation) {
      return;
    }
    // Bounded and least-recently-used first: a flood of new tokens never evicts one in use.
    verified.put(new TokenKey(token), entry);
  }

  /**
   * At most one download per {@code jwksMinRefresh} after a successful one, so forged kids cannot
   * make the verifier hammer the issuer; after a failed one (the issuer was not up yet) again a
   * second later, so that the first real tokens do not wait for the whole interval.
   */
  private boolean mayRefreshNow() {
    long now = System.nanoTime();
    return keySetUrl != null
        && now - lastRefreshNanos >= settings.jwksMinRefresh().toMillis() * NANOS_PER_MS
        && now - lastAttemptNanos >= Math.min(RETRY_AFTER_FAILURE_MS, settings.jwksMinRefresh().toMillis()) * NANOS_PER_MS;
  }

  /** Downloads the key set now (one download at a time); a changed set replaces the old one and forgets verified tokens. */
  public Future<Void> refresh() {
    if (keySetUrl == null) {
      return Future.succeededFuture();
    }
    Promise<Void> downloaded = Promise.promise();
    if (!refreshing.compareAndSet(null, downloaded.future())) {
      Future<Void> running = refreshing.get();
      return running != null ? running : refresh();
    }
    lastAttemptNanos = System.nanoTime();
    // The download may complete on an event loop before this thread returns: the in-flight marker
    // is set before it starts and cleared before anyone waiting on it is told.
    get(http, keySetUrl).map(body -> {
      JsonArray keys = new JsonObject(body).getJsonArray("keys");
      if (keys == null) {
        throw new IllegalStateException(keySetUrl + " has no keys member");
      }
      lastRefreshNanos = System.nanoTime();
      if (!keys.equals(keySet)) {
        install(keys);
        log.info("issuer key set from {} now has key ids {}", keySetUrl, keyIds(keys));
      }
      return (Void) null;
    }).onComplete(result -> {
      refreshing.set(null);
      downloaded.handle(result);
    });
    return downloaded.future();
  }

  private void install(JsonArray downloaded) {
    keys = provider(downloaded);
    keySet = downloaded.copy();
    generation++;
    // Entries of older generations are never served; dropping them now only frees the memory.
    long current = generation;
    verified.removeIf(entry -> entry.generation() != current);
  }

  /** A provider of the set's signing keys, or {@code null} when it has none this verifier would use. */
  private JWTAuth provider(JsonArray keySet) {
    List<JsonObject> jwks = new ArrayList<>();
    for (Object key : keySet) {
      if (key instanceof JsonObject jwk && ("RSA".equals(jwk.getString("kty")) || "EC".equals(jwk.getString("kty")))
          && (jwk.getString("use") == null || "sig".equals(jwk.getString("use")))) {
        // Only public keys of key pairs: a symmetric key in a JWKS would let anyone who reads it sign.
        jwks.add(Jwks.publicPart(jwk));
      }
    }
    if (jwks.isEmpty()) {
      return null;
    }
    return JWTAuth.create(vertx, new JWTAuthOptions().setJwks(jwks).setJWTOptions(new JWTOptions()
        .setIssuer(settings.issuer())
        .setAudience(List.of(settings.audience()))
        .setLeeway((int) settings.clockSkew().toSeconds())));
  }

  private static List<String> keyIds(JsonArray keys) {
    List<String> ids = new ArrayList<>();
    keys.forEach(key -> ids.add(key instanceof JsonObject jwk ? String.valueOf(jwk.getString("kid")) : "?"));
    return ids;
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    throw new UnsupportedOperationException("a verifier does not sign tokens");
  }

  @Override
  public String generateToken(JsonObject claims) {
    throw new UnsupportedOperationException("a verifier does not sign tokens");
  }
}
