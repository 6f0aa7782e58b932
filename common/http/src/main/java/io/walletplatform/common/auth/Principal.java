package io.walletplatform.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.util.Uuids;

import java.util.Set;
import java.util.UUID;

/**
 * Who makes a request: the {@code sub} of its verified token, and the scopes it was granted. The
 * router's security handler put the token's user on the context before any handler runs.
 */
public record Principal(String subject, Set<String> scopes) {

  public static final String ADMIN_SCOPE = "admin";
  /** Creating money: a DEPOSIT, an account top-up, a non-zero initial balance (issue #30). */
  public static final String FUNDING_SCOPE = "funding";
  /** Reading {@code /metrics}, and nothing else: what a Prometheus scraper holds instead of admin. */
  public static final String METRICS_SCOPE = "metrics";
  /** Subjects longer than this are refused: they are stored with every operation. */
  public static final int MAX_SUBJECT_LENGTH = 255;

  /** Where {@link BearerHandler} keeps the token it verified (user and principal) on the context. */
  static final String CONTEXT_KEY = "io.walletplatform.principal";

  /** The principal of an authenticated request. */
  public static Principal of(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      throw new IllegalStateException("no authenticated user on " + ctx.request().path());
    }
    // The bearer handler's, made once per token, while it is still the context's user; any other user is read again.
    return ctx.get(CONTEXT_KEY) instanceof TokenVerifier.Authenticated known && known.user() == user
        ? known.principal() : of(user);
  }

  public static Principal of(User user) {
    JsonObject token = claims(user);
    String subject = subject(token);
    if (subject == null) {
      // TokenVerifier refuses such tokens; a user from anywhere else is a bug, never a principal.
      throw new IllegalStateException("the verified token has no usable sub claim");
    }
    return new Principal(subject, scopes(token.getValue("scope")));
  }

  /** The verified claims of a token's user (vertx-auth-jwt keeps them as {@code accessToken}). */
  static JsonObject claims(User user) {
    return user.attributes().getJsonObject("accessToken", new JsonObject());
  }

  /**
   * The {@code sub} claim when it is a non-empty string of at most {@link #MAX_SUBJECT_LENGTH}
   * characters, otherwise {@code null}. Never {@link User#subject()}: it answers a {@code username}
   * claim first, which an external issuer may let users choose.
   */
  static String subject(JsonObject claims) {
    return claims.getValue("sub") instanceof String sub && !sub.isEmpty() && sub.length() <= MAX_SUBJECT_LENGTH
        ? sub : null;
  }

  /**
   * Scopes split on single spaces (RFC 6749 §3.3), as vertx-web's scope checks split them: a tab
   * or another blank is part of a scope, so {@code "wallets\tadmin"} is one unknown scope.
   */
  static Set<String> scopes(Object claim) {
    if (claim instanceof String text) {
      // By hand: a regular-expression split is measurably slower (this ran on every request before the
      // verifier kept each token's principal).
      java.util.HashSet<String> scopes = new java.util.HashSet<>(4);
      int start = 0;
      for (int i = 0; i <= text.length(); i++) {
        if (i == text.length() || text.charAt(i) == ' ') {
          if (i > start) {
            scopes.add(text.substring(start, i));
          }
          start = i + 1;
        }
      }
      return Set.copyOf(scopes);
    }
    if (claim instanceof JsonArray array) {
      return Set.copyOf(array.stream().map(String::valueOf).toList());
    }
    return Set.of();
  }

  public boolean isAdmin() {
    return scopes.contains(ADMIN_SCOPE);
  }

  /** True when this principal may create money: it holds {@code funding}, or {@code admin}. */
  public boolean mayFund() {
    return isAdmin() || scopes.contains(FUNDING_SCOPE);
  }

  /**
   * Refuses money made from nothing by a principal that may not fund: 403 {@code FORBIDDEN}. Every
   * other way money moves (withdrawals, transfers, holds, payments) only moves what a funding
   * principal put in, so this one check bounds what exists.
   */
  public void requireFunding(String what) {
    if (!mayFund()) {
      throw ProblemException.forbidden(what + " creates money: it needs the funding scope, which an admin grants");
    }
  }

  /** True when this principal may act on a resource owned by {@code ownerId}. */
  public boolean mayActFor(String ownerId) {
    return isAdmin() || subject.equals(ownerId);
  }

  /** True when this principal may act on the account or orders of {@code userId}: its own, or anyone's for admin. */
  public boolean mayActForUser(UUID userId) {
    return isAdmin() || userId.equals(Uuids.canonical(subject));
  }

  /**
   * The user id a payments or orders request acts for: the principal's own ({@code sub} is the user
   * id), or, for {@code admin} only, the one the request names.
   */
  public UUID userId(UUID requested) {
    if (requested != null && isAdmin()) {
      return requested;
    }
    UUID own = ownUserId();
    if (requested != null && !requested.equals(own)) {
      throw ProblemException.forbidden("userId must be the authenticated principal's own (" + own + ")");
    }
    return own;
  }

  /** The principal's {@code sub} as a user id; a principal whose sub is not a UUID has no account or orders. */
  private UUID ownUserId() {
    UUID id = Uuids.canonical(subject);
    if (id == null) {
      throw ProblemException.forbidden("the token's subject is not a user id (a canonical, lower-case UUID)");
    }
    return id;
  }
}
