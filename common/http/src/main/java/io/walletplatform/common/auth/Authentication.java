package io.walletplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.errors.ProblemException;

import java.util.List;


/**
 * What a process needs to authenticate requests: the token verifier every bearer handler uses, the
 * development issuer when no external one is configured, and the per-principal write limit. One per
 * process, shared by its event loops, so that the verified-token cache and the rate limit are too.
 */
public final class Authentication {

  public static final String REALM = "wallet-platform";
  /** The security scheme every contract declares. */
  public static final String SCHEME = "bearerAuth";
  private static final String CHALLENGE = "Bearer realm=\"" + REALM + "\"";
  private static final int MAX_TRACKED_PRINCIPALS = 100_000;
  private static final long FORM_LIMIT_BYTES = 4_096;

  private final AuthSettings settings;
  private final TokenVerifier verifier;
  private final DevIssuer issuer;
  private final RateLimiter writes;
  private final RateLimiter reads;

  private Authentication(AuthSettings settings, TokenVerifier verifier, DevIssuer issuer) {
    this.settings = settings;
    this.verifier = verifier;
    this.issuer = issuer;
    this.writes = new RateLimiter(settings.writesPerSecond(), settings.writeBurst(), MAX_TRACKED_PRINCIPALS, "write");
    this.reads = new RateLimiter(settings.readsPerSecond(), settings.readBurst(), MAX_TRACKED_PRINCIPALS, "read");
  }

  /** An issuer without registered clients (only the admin and, in tests, the shared secret), or the external issuer's verifier. */
  public static Future<Authentication> start(Vertx vertx, AuthSettings settings) {
    return start(vertx, settings, null);
  }

  /**
   * The development issuer (its keys loaded or created off the event loop) with its registered
   * clients in {@code clientsPool} (the migrated {@code auth} database), or the external issuer's verifier.
   */
  public static Future<Authentication> start(Vertx vertx, AuthSettings settings, Pool clientsPool) {
    if (settings.developmentIssuer()) {
      return vertx.executeBlocking(() -> DevIssuer.open(vertx, settings, clientsPool)).compose(issuer -> {
        TokenVerifier verifier = TokenVerifier.withKeys(vertx, settings, issuer.jwks().getJsonArray("keys"));
        return issuer.feed(verifier.revocations()).map(new Authentication(settings, verifier, issuer));
      });
    }
    return TokenVerifier.remote(vertx, settings, settings.jwksUrl().orElse(null))
        .map(verifier -> new Authentication(settings, verifier, null));
  }

  public TokenVerifier verifier() {
    return verifier;
  }

  /** The development issuer, or {@code null} when tokens come from an external one. */
  public DevIssuer issuer() {
    return issuer;
  }

  /** The handler the OpenAPI router gives the bearer scheme; it adds each operation's scopes itself. */
  public JWTAuthHandler bearer() {
    return new BearerHandler(verifier, REALM, List.of());
  }

  /** A handler that admits only tokens with the {@code admin} scope. */
  public JWTAuthHandler admin() {
    return bearer().withScope(Principal.ADMIN_SCOPE);
  }

  /**
   * After {@link #bearer()}: admits a token with {@code metrics} or {@code admin} (403 otherwise), so
   * that a Prometheus scraper holds a token that reads {@code /metrics} and nothing else.
   */
  public static void requireScraper(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    if (principal.isAdmin() || principal.scopes().contains(Principal.METRICS_SCOPE)) {
      ctx.next();
    } else {
      ctx.fail(ProblemException.forbidden("/metrics needs the metrics (or admin) scope"));
    }
  }

  /**
   * Refuses a present but malformed Authorization header with the 401 every other bad token gets.
   * A platform handler, so that it may run first on a route, before the body is read.
   */
  public static final PlatformHandler WELL_FORMED = Authentication::requireWellFormed;

  private static void requireWellFormed(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && !isBearerJwt(authorization)) {
      ctx.fail(ProblemException.unauthenticated("the Authorization header is not a bearer JWT", CHALLENGE));
      return;
    }
    ctx.next();
  }

  /** The base64url alphabet, by character below 128. */
  private static final boolean[] BASE64URL = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) {
      BASE64URL[c] = true;
      BASE64URL[Character.toLowerCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      BASE64URL[c] = true;
    }
    BASE64URL['-'] = true;
    BASE64URL['_'] = true;
  }

  /**
   * {@code Bearer } and three non-empty base64url segments: anything else is malformed, and a 401
   * (vertx-web would answer some of it 400). A loop, not a regular expression: it runs on every
   * request, over the whole token (~640 characters for the development issuer's RS256), and the
   * expression cost a tenth of the accept path's CPU. The dots are placed first, then one pass with a
   * table (twice as fast as comparing ranges: ~0.5 against ~1 µs a token on this machine).
   */
  static boolean isBearerJwt(String authorization) {
    int length = authorization.length();
    if (length < 12 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    int first = authorization.indexOf('.', 7);
    int second = first < 0 ? -1 : authorization.indexOf('.', first + 1);
    if (first <= 7 || second <= first + 1 || second == length - 1 || authorization.indexOf('.', second + 1) >= 0) {
      return false; // not three segments, or an empty one
    }
    boolean[] alphabet = BASE64URL;
    for (int i = 7; i < length; i++) {
      char c = authorization.charAt(i);
      if (c >= alphabet.length || !(alphabet[c] || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** The per-principal limit on write requests (429 RATE_LIMITED). */
  public RateLimiter writes() {
    return writes;
  }

  /** The per-principal limit on read requests (429 RATE_LIMITED), counted apart from the writes. */
  public RateLimiter reads() {
    return reads;
  }

  /** True when the request carries a valid token with the {@code admin} scope (never fails). */
  public Future<Boolean> isAdmin(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !isBearerJwt(authorization)) {
      return Future.succeededFuture(false);
    }
    return verifier.verifyToken(authorization.substring(7))
        .map(verified -> verified.principal().isAdmin())
        .otherwise(false);
  }

  /**
   * The development issuer's routes, when this process is one: {@code POST /oauth/token},
   * {@code GET /oauth/jwks.json}, {@code POST /oauth/clients}, {@code DELETE /oauth/clients/{id}}
   * and {@code GET /oauth/revoked}.
   */
  public void mountIssuer(Router router) {
    if (issuer == null) {
      return;
    }
    router.get("/oauth/jwks.json").handler(issuer::serveJwks);
    router.get("/oauth/revoked").handler(issuer::serveRevoked);
    router.post("/oauth/token").handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT_BYTES))
        .handler(issuer::serveToken);
    // Open to anyone while registration is; an admin's token (optional here) may always create
    // clients, and alone may grant them scopes.
    router.post("/oauth/clients").handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT_BYTES))
        .handler(ctx -> isAdmin(ctx).onComplete(admin -> {
          try {
            issuer.serveRegistration(ctx, admin.result());
          } catch (RuntimeException invalid) {
            ctx.fail(invalid); // thrown after the handler returned: the router's failure handler answers it
          }
        }));
    router.post("/oauth/clients/:clientId/scopes").handler(WELL_FORMED)
        .handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT_BYTES)).handler(bearer()).handler(issuer::serveGrant);
    // The client's own token or an admin's, checked like every other bearer route.
    router.delete("/oauth/clients/:clientId").handler(WELL_FORMED).handler(bearer()).handler(issuer::serveRevocation);
    router.delete("/oauth/tokens/:jti").handler(WELL_FORMED).handler(bearer()).handler(issuer::serveTokenRevocation);
  }
}
