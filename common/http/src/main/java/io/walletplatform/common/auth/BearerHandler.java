package io.walletplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.impl.JWTAuthHandlerImpl;

import java.util.List;
import java.util.Set;

/**
 * The bearer scheme's handler: vertx-web's {@link JWTAuthHandler} (its CORS preflight, user
 * context, 401 challenge and failure paths are inherited), without the work it repeated on every
 * request of the hot path: a second scan of the token's characters ({@link Authentication#WELL_FORMED}
 * runs before every bearer handler and answers a malformed header 401; what it lets through and is
 * still not a token fails verification, 401 too) and a split of the {@code scope} claim into a new
 * list for each scope check (the scopes are the verified token's {@link Principal}'s, parsed once
 * per token by {@link TokenVerifier}). The principal is kept on the context for {@link Principal#of}.
 *
 * <p>What a request may do is unchanged: the same token verification (signature, issuer, audience,
 * expiry, revocation: {@link TokenVerifier#verifyToken}), and 403 unless every scope the handler
 * requires is among the token's.
 */
final class BearerHandler extends JWTAuthHandlerImpl {

  private static final String BEARER = "Bearer ";

  private final TokenVerifier verifier;
  private final List<String> scopes;

  BearerHandler(TokenVerifier verifier, String realm, List<String> scopes) {
    super(verifier, realm);
    this.verifier = verifier;
    this.scopes = List.copyOf(scopes);
  }

  @Override
  public Future<User> authenticate(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Future.failedFuture(new HttpException(401));
    }
    return verifier.verifyToken(authorization.substring(BEARER.length())).transform(verified -> {
      if (verified.failed()) {
        return Future.failedFuture(new HttpException(401, verified.cause()));
      }
      ctx.put(Principal.CONTEXT_KEY, verified.result());
      return Future.succeededFuture(verified.result().user());
    });
  }

  @Override
  public void postAuthentication(RoutingContext ctx) {
    if (ctx.user() == null) {
      ctx.fail(403, new VertxException("no user in the context", true));
      return;
    }
    List<String> required = getScopesOrSearchMetadata(scopes, ctx);
    if (!required.isEmpty()) {
      Set<String> held = Principal.of(ctx).scopes();
      for (String scope : required) {
        if (!held.contains(scope)) {
          ctx.fail(403, new VertxException("JWT scopes != handler scopes", true));
          return;
        }
      }
    }
    ctx.next();
  }

  @Override
  public JWTAuthHandler withScope(String scope) {
    List<String> more = new java.util.ArrayList<>(scopes);
    more.add(java.util.Objects.requireNonNull(scope, "scope"));
    return new BearerHandler(verifier, realm, more);
  }

  @Override
  public JWTAuthHandler withScopes(List<String> scopes) {
    return new BearerHandler(verifier, realm, scopes);
  }

  @Override
  public JWTAuthHandler scopeDelimiter(String delimiter) {
    // Scopes are split on single spaces (RFC 6749 §3.3, Principal#scopes); another delimiter is never configured.
    throw new UnsupportedOperationException("the scope delimiter is a space");
  }
}
