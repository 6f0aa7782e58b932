package io.walletplatform.migrations;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.auth.AuthSettings;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;

/**
 * Where the development issuer keeps its registered clients: the {@code auth} database
 * ({@code AUTH_DB_NAME}) on the {@code PG_URL} server, migrated before the issuer serves, so that
 * every process issuing tokens on that server (gateway replicas, the all-in-one platform, a
 * standalone service) knows every client. With an external issuer there is nothing to keep.
 */
public final class AuthDatabase {

  /** A registration or a token request is one short query: two connections are plenty. */
  private static final int POOL_SIZE = 2;

  private AuthDatabase() {
  }

  public static PgSettings settings(Config config) {
    return PgSettings.from(config, "AUTH_DB_NAME", "auth").withPoolSize(POOL_SIZE);
  }

  /** The process's authentication: the development issuer on its migrated database, or the external issuer's verifier. */
  public static Future<Authentication> start(Vertx vertx, AuthSettings auth, PgSettings pg) {
    if (!auth.developmentIssuer()) {
      return Authentication.start(vertx, auth);
    }
    return Migrations.migrate(vertx, pg, Migrations.AUTH)
        .compose(ignored -> Authentication.start(vertx, auth, PgPools.create(vertx, pg, "auth")));
  }

  public static Future<Authentication> start(Vertx vertx, Config config) {
    return start(vertx, AuthSettings.from(config), settings(config));
  }
}
