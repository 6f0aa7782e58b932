package io.walletplatform.common.config;

import java.net.URI;

/**
 * Where a service's PostgreSQL database is. {@code PG_URL} names the server
 * ({@code postgresql://user:password@host:port}); each service owns one database on it.
 */
public record PgSettings(String host, int port, String user, String password, String database, int maxPoolSize) {

  public static final String URL = "PG_URL";
  public static final String POOL_SIZE = "PG_POOL_SIZE";

  public static PgSettings from(Config config, String databaseVariable, String defaultDatabase) {
    URI uri = URI.create(config.get(URL, "postgresql://postgres:postgres@localhost:5432"));
    String user = "postgres";
    String password = "";
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      user = parts[0];
      password = parts.length > 1 ? parts[1] : "";
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    String database = config.get(databaseVariable, defaultDatabase);
    if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(databaseVariable + " must be a lower-case SQL identifier, got " + database);
    }
    return new PgSettings(uri.getHost(), port, user, password, database, config.getInt(POOL_SIZE, 8, 1, 200));
  }

  public String jdbcUrl() {
    return jdbcUrl(database);
  }

  public String jdbcUrl(String databaseName) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + databaseName;
  }

  /** The same database with a pool of {@code size} connections (a component that needs only one or two). */
  public PgSettings withPoolSize(int size) {
    return new PgSettings(host, port, user, password, database, size);
  }
}
