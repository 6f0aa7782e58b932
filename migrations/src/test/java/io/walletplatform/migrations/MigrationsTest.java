package io.walletplatform.migrations;

import io.walletplatform.common.config.PgSettings;
import io.walletplatform.infra.testing.IsolatedConfig;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {

  @Test
  void createsTheMissingDatabaseAppliesTheChangelogAndASecondRunChangesNothing() throws Exception {
    PgSettings settings = PgSettings.from(IsolatedConfig.create("migrations"), "WALLET_DB_NAME", "wallet");
    Migrations.migrate(settings, Migrations.WALLET);
    List<String> first = appliedChangesets(settings);
    assertEquals(List.of("001-wallets", "001-wallet-operations", "002-balance-limit", "002-operation-id-reuses",
        "003-wallet-owners", "003-operation-requesters", "002-quarantine", "004-processing-failed",
        "005-held-and-initial-balance", "005-operation-types", "005-state-after", "005-history-indexes", "005-holds",
        "001-outbox", "001-outbox-notify", "001-inbox", "001-idempotency-keys", "003-outbox-trace-context",
        "004-outbox-principal", "006-assets", "006-wallet-asset-and-credit-limit", "006-asset-mismatch", "007-transactions", "007-operation-transaction", "007-reversals", "007-settled-index",
        "005-idempotency-claims", "008-balance-monitors", "009-metadata"), first);

    Migrations.migrate(settings, Migrations.WALLET);
    assertEquals(first, appliedChangesets(settings));
  }

  /** A process SIGKILLed while it migrated left Liquibase's lock set: every later start waited for it for ever. */
  @Test
  void aMigrationLockLeftByAKilledProcessDoesNotHoldTheNextStart() throws Exception {
    PgSettings settings = PgSettings.from(IsolatedConfig.create("stale-lock"), "WALLET_DB_NAME", "wallet");
    Migrations.migrate(settings, Migrations.WALLET);
    try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
         Statement statement = connection.createStatement()) {
      assertEquals(1, statement.executeUpdate("UPDATE databasechangeloglock SET locked = TRUE, lockgranted = now(), "
          + "lockedby = 'a process killed mid-migration'"));
    }
    java.util.concurrent.CompletableFuture<Void> next = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        Migrations.migrate(settings, Migrations.WALLET);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    next.get(30, java.util.concurrent.TimeUnit.SECONDS);
    try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
         Statement statement = connection.createStatement();
         ResultSet lock = statement.executeQuery("SELECT bool_or(locked) FROM databasechangeloglock")) {
      lock.next();
      assertEquals(false, lock.getBoolean(1), "released after the migration");
    }
  }

  /**
   * Liquibase commits a changeset, then records it in databasechangelog: a migrator killed between the two
   * (a worker SIGKILLed while it migrated the issuer's database, in WorkerCrashTest) left a change applied
   * and unrecorded, and every later start failed on it ("column ... already exists"). Here the migrator's
   * connection is cut right after its Nth commit, for every N up to the last, each time on a fresh
   * database; the next migration must complete it.
   */
  @Test
  void aMigratorCutOffRightAfterAnyOfItsCommitsLeavesADatabaseTheNextMigrationCompletes() throws Exception {
    // How many times a whole migration commits (as Liquibase sees it), counted on a fresh database.
    int[] commits = new int[1];
    Migrations.migrate(PgSettings.from(IsolatedConfig.create("cut-count"), "AUTH_DB_NAME", "auth"), Migrations.AUTH,
        connection -> cutOffAfterCommit(connection, Integer.MAX_VALUE, commits));
    assertTrue(commits[0] >= 3, "the migration committed at least once per changeset: " + commits[0]);
    // Each point on a fresh database of its own, three at a time (Liquibase's start is most of it). Migrating
    // beside others, a migrator sometimes commits once less (Liquibase's caches are shared by the JVM's threads;
    // alone it commits the same count every time): a point it did not reach is cut again, alone, after the rest.
    List<Integer> notReached = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ExecutorService migrators = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      for (int cutAfter = 1; cutAfter <= commits[0]; cutAfter++) {
        int n = cutAfter;
        runs.add(migrators.submit(() -> {
          if (!cutOffThenMigrated("cut-" + n, n)) {
            notReached.add(n);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> run : runs) {
        run.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      migrators.shutdownNow();
    }
    for (int n : notReached) {
      assertTrue(cutOffThenMigrated("cut-alone-" + n, n), "cut off at its commit " + n + " migrating alone");
    }
  }

  /**
   * Migrates a fresh database with the connection cut right after its commit {@code n}, then migrates it again,
   * which must leave every changeset applied. False when the first migration committed fewer than n times (and so
   * was not cut).
   */
  private static boolean cutOffThenMigrated(String name, int n) throws Exception {
    PgSettings settings = PgSettings.from(IsolatedConfig.create(name), "AUTH_DB_NAME", "auth");
    int[] seen = new int[1];
    Exception cut = null;
    try {
      Migrations.migrate(settings, Migrations.AUTH, connection -> cutOffAfterCommit(connection, n, seen));
    } catch (Exception e) {
      cut = e;
    }
    if (seen[0] < n) {
      assertEquals(null, cut, "a migration that committed " + seen[0] + " times failed before the cut");
      return false;
    }
    assertEquals(n, seen[0], "cut off at its commit " + n);
    Migrations.migrate(settings, Migrations.AUTH);
    assertEquals(List.of("001-clients", "002-client-scopes", "003-revoked-tokens"), appliedChangesets(settings),
        "after a migrator cut off at its commit " + n);
    return true;
  }

  /**
   * The connection as a migrator sees it, cut off (its socket closed, as a SIGKILL would leave it) right after
   * the commit numbered {@code cutAfter}; {@code seen[0]} counts the commits.
   */
  private static Connection cutOffAfterCommit(Connection connection, int cutAfter, int[] seen) {
    return (Connection) java.lang.reflect.Proxy.newProxyInstance(MigrationsTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(connection, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("commit") && ++seen[0] == cutAfter) {
            connection.abort(Runnable::run);
            throw new java.sql.SQLException("cut off after commit " + cutAfter);
          }
          return result;
        });
  }

  @Test
  void servicesStartingTogetherMigrateOneFreshDatabaseOnce() throws Exception {
    PgSettings settings = PgSettings.from(IsolatedConfig.create("together"), "WALLET_DB_NAME", "wallet");
    java.util.concurrent.ExecutorService starting = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(starting.submit(() -> {
          Migrations.migrate(settings, Migrations.WALLET);
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> run : runs) {
        run.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      starting.shutdownNow();
    }
    assertEquals(List.of("001-wallets", "001-wallet-operations", "002-balance-limit", "002-operation-id-reuses",
        "003-wallet-owners", "003-operation-requesters", "002-quarantine", "004-processing-failed",
        "005-held-and-initial-balance", "005-operation-types", "005-state-after", "005-history-indexes", "005-holds",
        "001-outbox", "001-outbox-notify", "001-inbox", "001-idempotency-keys", "003-outbox-trace-context",
        "004-outbox-principal", "006-assets", "006-wallet-asset-and-credit-limit", "006-asset-mismatch", "007-transactions", "007-operation-transaction", "007-reversals", "007-settled-index",
        "005-idempotency-claims", "008-balance-monitors", "009-metadata"),
        appliedChangesets(settings));
  }

  @Test
  void thePaymentsAndOrdersDatabasesGetTheirTablesAndTheSharedOutboxInboxAndKeys() throws Exception {
    var config = IsolatedConfig.create("services");
    for (String[] database : new String[][] {{"PAYMENTS_DB_NAME", Migrations.PAYMENTS, "accounts"},
        {"ORDERS_DB_NAME", Migrations.ORDERS, "orders"}}) {
      PgSettings settings = PgSettings.from(config, database[0], "unused");
      Migrations.migrate(settings, database[1]);
      List<String> first = appliedChangesets(settings);
      Migrations.migrate(settings, database[1]);
      assertEquals(first, appliedChangesets(settings), "a second run changes nothing");
      try (Connection connection = connect(settings); Statement statement = connection.createStatement();
           ResultSet tables = statement.executeQuery("SELECT string_agg(table_name, ',' ORDER BY table_name)"
               + " FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'databasechangelog%'")) {
        tables.next();
        List<String> names = List.of(tables.getString(1).split(","));
        for (String table : List.of(database[2], "outbox", "inbox", "idempotency_keys")) {
          assertEquals(true, names.contains(table), table + " in " + names);
        }
      }
    }
  }

  @Test
  void theSchemaRefusesNegativeBalancesAndDuplicateOperations() throws Exception {
    PgSettings settings = PgSettings.from(IsolatedConfig.create("schema"), "WALLET_DB_NAME", "wallet");
    Migrations.migrate(settings, Migrations.WALLET);
    try (Connection connection = connect(settings); Statement statement = connection.createStatement()) {
      assertThrows(SQLException.class, () -> statement.execute(
          "INSERT INTO wallets (wallet_id, balance_minor) VALUES (gen_random_uuid(), -1)"));
      String operation = "INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,"
          + " balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset) VALUES"
          + " ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'DEPOSIT', 1, 'COMPLETED', 1, now(), now(), 0, 0)";
      statement.execute(operation);
      SQLException duplicate = assertThrows(SQLException.class, () -> statement.execute(operation));
      assertEquals("23505", duplicate.getSQLState());
      // Nothing held beyond the balance, and no transfer without a destination.
      assertEquals("23514", assertThrows(SQLException.class, () -> statement.execute(
          "INSERT INTO wallets (wallet_id, balance_minor, held_minor) VALUES (gen_random_uuid(), 5, 6)")).getSQLState());
      assertEquals("23514", assertThrows(SQLException.class, () -> statement.execute(operation
          .replace("0001'", "0002'").replace("'DEPOSIT'", "'TRANSFER'"))).getSQLState());
      assertEquals("23514", assertThrows(SQLException.class, () -> statement.execute(operation
          .replace("0001'", "0003'").replace("'DEPOSIT'", "'CAPTURE'"))).getSQLState());
    }
  }

  private static Connection connect(PgSettings settings) throws SQLException {
    return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
  }

  private static List<String> appliedChangesets(PgSettings settings) throws SQLException {
    try (Connection connection = connect(settings); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT id FROM databasechangelog ORDER BY orderexecuted")) {
      List<String> ids = new ArrayList<>();
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
      return ids;
    }
  }
}
