package io.walletplatform.migrations;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.walletplatform.common.config.PgSettings;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.Properties;

/**
 * Brings a service's database to the newest schema before the service serves: creates the
 * database when it is missing, then applies the service's Liquibase master changelog. Running it
 * again changes nothing. JDBC and Liquibase block, so {@link #migrate(Vertx, PgSettings, String)}
 * runs them on a worker thread, never on an event loop.
 */
public final class Migrations {

  /** The wallet database's master changelog. */
  public static final String WALLET = "db/wallet/changelog-master.yaml";
  /** The payments database's master changelog. */
  public static final String PAYMENTS = "db/payments/changelog-master.yaml";
  /** The orders database's master changelog. */
  public static final String ORDERS = "db/orders/changelog-master.yaml";
  /** The development issuer's database (its registered clients). */
  public static final String AUTH = "db/auth/changelog-master.yaml";
  /** Webhook subscriptions and deliveries. */
  public static final String WEBHOOKS = "db/webhooks/changelog-master.yaml";

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  private static final long MIGRATION_LOCK = 0x6d6967726174L;

  static {
    // Liquibase would otherwise call home on every run.
    System.setProperty("liquibase.analytics.enabled", "false");
    System.setProperty("liquibase.showBanner", "false");
    System.setProperty("liquibase.showSummaryOutput", "log");
    java.util.logging.Logger.getLogger("liquibase").setLevel(java.util.logging.Level.WARNING);
  }

  private Migrations() {
  }

  public static Future<Void> migrate(Vertx vertx, PgSettings settings, String changelog) {
    return vertx.executeBlocking(() -> {
      migrate(settings, changelog);
      return null;
    }, false);
  }

  /** Blocking form, for tools and tests that are not on an event loop. */
  public static void migrate(PgSettings settings, String changelog) throws Exception {
    migrate(settings, changelog, UnaryOperator.identity());
  }

  /** @param seenByLiquibase wraps the connection Liquibase is given (a test cuts it off at a chosen moment) */
  static void migrate(PgSettings settings, String changelog, UnaryOperator<Connection> seenByLiquibase)
      throws Exception {
    createDatabaseIfMissing(settings);
    try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), credentials(settings))) {
      // Processes that start together (a service and its workers) would race on Liquibase's own
      // tables before its lock exists; a session advisory lock makes them take turns.
      try (Statement lock = connection.createStatement()) {
        lock.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      }
      releaseStaleChangelogLock(connection, settings);
      Database database = DatabaseFactory.getInstance()
          .findCorrectDatabaseImplementation(new JdbcConnection(seenByLiquibase.apply(oneTransaction(connection))));
      Map<String, Object> scope = Map.of(
          Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()),
          Scope.Attr.ui.name(), new LoggerUIService());
      Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
          .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog)
          .execute());
      connection.commit();
    }
    log.info("database {} is at the newest schema of {}", settings.database(), changelog);
  }

  /**
   * The connection as Liquibase is given it, inside one transaction that the caller commits at the end, so
   * that every changeset and the row recording it in databasechangelog commit together, once. Liquibase
   * commits a changeset and then records it: a migrator killed between the two left a change applied and
   * unrecorded, and every later start failed on it ("column ... already exists") until someone repaired the
   * database by hand. Its commits become savepoints and its rollbacks go back to the last one (it probes for
   * its own tables with queries that fail, then rolls back); its close does nothing. PostgreSQL's DDL is
   * transactional, and no changeset of the platform needs to run outside a transaction (none is
   * {@code runInTransaction: false}, none creates an index CONCURRENTLY).
   */
  private static Connection oneTransaction(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    Savepoint[] last = {connection.setSavepoint()};
    return (Connection) Proxy.newProxyInstance(Migrations.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          boolean bare = args == null || args.length == 0;
          switch (method.getName()) {
            case "commit" -> {
              connection.releaseSavepoint(last[0]);
              last[0] = connection.setSavepoint();
              return null;
            }
            case "rollback" -> {
              if (bare) {
                connection.rollback(last[0]);
                return null;
              }
            }
            case "close", "setAutoCommit" -> {
              return null;  // the caller commits, or closes the session without committing
            }
            case "getAutoCommit" -> {
              return false;
            }
            default -> {
            }
          }
          try {
            return method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /**
   * Liquibase's own lock is a row, never released by a process killed while it held it (a SIGKILL
   * during a start's migration): every later start then waited for it for ever. Every migration of
   * the platform runs under the advisory lock this process holds now, which dies with its session;
   * so a Liquibase lock still set here belongs to a migrator that is dead, and is released.
   */
  private static void releaseStaleChangelogLock(Connection connection, PgSettings settings) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet table = statement.executeQuery("SELECT to_regclass('databasechangeloglock') IS NOT NULL")) {
      if (!table.next() || !table.getBoolean(1)) {
        return;
      }
    }
    try (Statement release = connection.createStatement()) {
      int released = release.executeUpdate(
          "UPDATE databasechangeloglock SET locked = FALSE, lockgranted = NULL, lockedby = NULL WHERE locked");
      if (released > 0) {
        log.warn("database {}: released the migration lock of a migrator that died holding it", settings.database());
      }
    }
  }

  private static void createDatabaseIfMissing(PgSettings settings) throws SQLException {
    try (Connection connection = DriverManager.getConnection(settings.jdbcUrl("postgres"), credentials(settings))) {
      try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, settings.database());
        try (ResultSet row = exists.executeQuery()) {
          if (row.next()) {
            return;
          }
        }
      }
      try (Statement create = connection.createStatement()) {
        // The name was checked to be a plain identifier when the settings were read.
        create.execute("CREATE DATABASE " + settings.database());
        log.info("created database {}", settings.database());
      } catch (SQLException e) {
        // 42P04: created meanwhile; 23505: two CREATE DATABASE of the same name raced in the catalog.
        if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
          throw e;
        }
      }
    }
  }

  private static Properties credentials(PgSettings settings) {
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    properties.setProperty("password", settings.password());
    properties.setProperty("connectTimeout", "10");
    return properties;
  }
}
