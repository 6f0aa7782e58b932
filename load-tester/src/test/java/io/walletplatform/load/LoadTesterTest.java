package io.walletplatform.load;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.platform.Platform;
import io.walletplatform.platform.PlatformSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load tester against a real platform: clean runs pass their audit, and a tampered balance fails it.
 * The runs mostly wait (a few seconds at 20-200 requests/s, then the audit), so they run side by side
 * (junit-platform.properties); those that tamper with what every run since their start created, read
 * System.out, or run a closed loop as fast as the platform answers run alone ({@link #LEDGER} written).
 */
@Execution(ExecutionMode.CONCURRENT)
class LoadTesterTest {

  /** The platform's data as the runs see it: read by every run, written (tampered with) by some. */
  private static final String LEDGER = "ledger";

  private static ServiceRuntime runtime;
  private static PlatformSettings settings;
  private static String url;
  private static String token;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    int port = FreePorts.pick();
    Config config = IsolatedConfig.create("load").with("PLATFORM_PORT", Integer.toString(port)).with("HTTP_INSTANCES", "2")
        .with("HOLD_EXPIRY_SCAN_MS", "500");
    settings = PlatformSettings.from(config);
    Await.result(Platform.deploy(runtime, settings), Duration.ofSeconds(60));
    url = "http://127.0.0.1:" + port;
    token = Tokens.fetch(runtime.vertx(), port, java.util.UUID.randomUUID().toString(), "wallets funding");
  }

  @AfterAll
  static void stop() {
    Await.result(runtime.vertx().close());
  }

  private static JsonObject result(Path out) throws Exception {
    return new JsonObject(Files.readString(out.resolve("result.json")));
  }

  /**
   * Runs the statement ({@code $1}: now) every 100 ms until it changes a row, then stops: the tampering
   * lands once on what the run created, however long the run takes to create it on a busy machine.
   */
  private static long tamperOnce(Pool pool, String sql) {
    java.time.OffsetDateTime since = java.time.OffsetDateTime.now();
    long[] timer = new long[1];
    timer[0] = runtime.vertx().setPeriodic(100, id -> pool.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(since))
        .onSuccess(rows -> {
          if (rows.rowCount() > 0) {
            runtime.vertx().cancelTimer(timer[0]);
          }
        }));
    return timer[0];
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void aWalletRunWithDuplicatesPassesItsAuditAndWritesItsReports(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--wallets", "3", "--rate", "50", "--duration", "3s",
        "--warmup", "1s", "--duplicates", "0.1", "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getBoolean("auditClean"));
    assertTrue(result.getLong("accepted") >= 550, "accepted " + result.getLong("accepted"));
    assertTrue(result.getLong("duplicatesSent") > 0);
    assertTrue(result.getJsonObject("acceptLatencyMs").getDouble("p99") > 0);
    assertEquals("open", result.getString("model"));
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<h2>Summary</h2><table>") && html.contains("Audit clean."), "summary table and verdict");
    assertTrue(html.contains("new uPlot(") && html.contains("var uPlot=function()"), "the chart library is inlined");
    assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing is fetched from elsewhere");
    assertTrue(html.contains("<h3>CPU per request</h3>"), "CPU per request in the summary");
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ_WRITE)
  void aClosedLoopRunKeepsItsConnectionsBusyAndReportsCpuPerRequest(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--wallets", "2",
        "--model", "closed", "--connections", "4", "--duration", "3s", "--warmup", "1s", "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertEquals("closed", result.getString("model"));
    assertEquals(4, result.getInteger("connections"));
    assertTrue(result.getDouble("acceptedPerSecond") > 20, "4 connections in a loop do better than 20/s: " + result.getDouble("acceptedPerSecond"));
    assertEquals(result.getLong("accepted"), result.getLong("applied"), "every accepted operation applied");
    assertTrue(result.getDouble("appliedPerSecond") > 0);
    JsonObject cpu = result.getJsonObject("cpu");
    assertTrue(cpu.getDouble("machineMicrosPerRequest") > 0, cpu.encodePrettily());
    assertTrue(cpu.getLong("requests") > 0 && cpu.getLong("requests") <= result.getLong("offered"), cpu.encodePrettily());
    assertTrue(cpu.getJsonObject("processes").containsKey("load-tester (this)"), cpu.encodePrettily());
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void theHttpScenarioSendsOneRequestOverAndOverWithoutAnAudit(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"http", "--url", url, "--method", "GET", "--path", "/health", "--rate", "40",
        "--duration", "2s", "--warmup", "0s", "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertEquals(false, result.getBoolean("audited"));
    assertEquals(80, result.getLong("offered"));
    assertEquals(80, result.getLong("accepted"), result.encodePrettily());
    assertTrue(Files.readString(out.resolve("report.html")).contains("No audit"));
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void aTotalsAuditChecksVersionsAndBalancesWithoutKeepingEachOperation(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--wallets", "2",
        "--rate", "40", "--duration", "2s", "--warmup", "1s", "--deposit-ratio", "1", "--min-amount", "0.01",
        "--max-amount", "0.01", "--audit", "totals", "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getBoolean("auditClean"));
    assertEquals(240, result.getLong("accepted"), result.encodePrettily());
    assertEquals(240, result.getLong("applied"), "applied counted from the wallets' versions");
    assertEquals(2, LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET,
        "--audit", "totals", "--duration", "1s", "--out", out.toString()}), "mixed types and amounts cannot be audited by totals");
    assertEquals(2, LoadTesterMain.run(new String[] {"wallet", "--url", url, "--audit", "some", "--out", out.toString()}));
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ_WRITE)
  void aTotalsAuditFailsWhenABalanceWasTamperedWith(@TempDir Path out) throws Exception {
    // 0.02 and a version behind the API's back: one version more than the accepted operations, and a
    // balance 0.01 off what that many deposits of 0.01 explain.
    Pool pool = PgPools.create(runtime.vertx(), settings.wallet().pg(), "tamper-totals");
    long timer = tamperOnce(pool, "UPDATE wallets SET balance_minor = balance_minor + 2, version = version + 1"
        + " WHERE created_at > $1");
    int exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--wallets", "1",
        "--rate", "20", "--duration", "2s", "--warmup", "0s", "--deposit-ratio", "1", "--min-amount", "0.01",
        "--max-amount", "0.01", "--audit", "totals", "--out", out.toString()});
    runtime.vertx().cancelTimer(timer);
    JsonObject result = result(out);
    assertEquals(1, exit, result.encodePrettily());
    assertTrue(result.getJsonArray("discrepancies").encode().contains("expected"), result.encodePrettily());
  }

  /** Exchange transactions under load (issue #31): each asset conserved, no partial transaction, some failing. */
  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void anExchangeRunConservesEachAssetWithNoPartialTransaction(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"exchange", "--url", url, "--shared-secret", Tokens.DEV_SECRET,
        "--customers", "4", "--rate", "40", "--duration", "2s", "--warmup", "0s", "--initial-balance", "60",
        "--liquidity", "200", "--max-amount", "40", "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getBoolean("auditClean"));
    assertTrue(result.getLong("completedTransactions") > 0, result.encodePrettily());
    assertTrue(result.getLong("failedTransactions") > 0, "the liquidity or a customer's EUR ran out: "
        + result.encodePrettily());
  }

  /** Random 3-posting transactions between a few wallets (the benchmark's shape): every one whole, USD conserved. */
  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void aTransactionsRunSettlesEveryTransactionWhole(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"transactions", "--url", url, "--shared-secret", Tokens.DEV_SECRET,
        "--wallets", "5", "--postings", "3", "--rate", "30", "--duration", "2s", "--warmup", "0s",
        "--initial-balance", "20", "--max-amount", "9", "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getBoolean("auditClean"));
    assertEquals("100.00", result.getString("totalUsd"), result.encodePrettily());
    assertTrue(result.getLong("completedTransactions") > 0, result.encodePrettily());
    assertTrue(result.getLong("failedTransactions") > 0, "some wallet ran short: " + result.encodePrettily());
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void aMixedRunOfEveryTypeAuditsClean(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"mixed", "--url", url, "--shared-secret", Tokens.DEV_SECRET,
        "--wallets", "6", "--principals", "3", "--rate", "200", "--duration", "2s", "--warmup", "0s",
        "--initial-balance", "100", "--max-amount", "30", "--expire-ratio", "0.5", "--hold-expiry", "2s",
        "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getBoolean("auditClean"));
    for (String type : new String[] {"DEPOSIT", "WITHDRAW", "TRANSFER", "HOLD", "CAPTURE", "VOID"}) {
      assertTrue(result.getLong("accepted" + type) > 0, type + " in " + result.encodePrettily());
    }
    assertTrue(result.getLong("completedTransfers") > 0, result.encodePrettily());
    assertTrue(result.getLong("holdsExpired") > 0, "some holds were left to expire: " + result.encodePrettily());
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ_WRITE)
  void aMixedRunFailsItsAuditWhenMoneyAppearsFromNowhere(@TempDir Path out) throws Exception {
    Pool pool = PgPools.create(runtime.vertx(), settings.wallet().pg(), "tamper-mixed");
    long timer = tamperOnce(pool, "UPDATE wallets SET balance_minor = balance_minor + 1, version = version + 1"
        + " WHERE created_at > $1");
    int exit = LoadTesterMain.run(new String[] {"mixed", "--url", url, "--shared-secret", Tokens.DEV_SECRET,
        "--wallets", "3", "--rate", "40", "--duration", "3s", "--warmup", "0s", "--expire-ratio", "0",
        "--out", out.toString()});
    runtime.vertx().cancelTimer(timer);
    JsonObject result = result(out);
    assertEquals(1, exit, result.encodePrettily());
    assertTrue(result.getJsonArray("discrepancies").encode().contains("not conserved"), result.encodePrettily());
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void anUnknownModelIsAUsageError(@TempDir Path out) throws Exception {
    assertEquals(2, LoadTesterMain.run(new String[] {"wallet", "--url", url, "--model", "half-open", "--out", out.toString()}));
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void aRunGivenOneTokenActsAsThatPrincipalAlone(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--token", token, "--wallets", "2", "--rate", "20",
        "--duration", "1s", "--warmup", "0s", "--out", out.toString()});
    assertEquals(0, exit, result(out).encodePrettily());
    assertEquals(2, LoadTesterMain.run(new String[] {"wallet", "--url", url, "--token", "not-a-jwt", "--duration", "1s",
        "--out", out.toString()}), "a bad token is a usage error, not a clean run");
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ_WRITE)
  void aRunPrintsAProgressLineAsItGoes(@TempDir Path out) throws Exception {
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    int exit;
    try {
      exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--wallets", "1",
          "--rate", "50", "--duration", "3s", "--warmup", "0s", "--progress", "1s", "--out", out.toString()});
    } finally {
      System.setOut(original);
    }
    assertEquals(0, exit);
    java.util.List<String> lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(line -> line.startsWith("accept ")).toList();
    assertTrue(lines.size() >= 2, "progress lines: " + lines);
    assertTrue(lines.get(lines.size() - 1).matches("accept \\d+ s: offered [\\d,]+ \\(50/s\\), accepted [\\d,]+, errors 0, "
        + "p99 so far [\\d.]+ ms"), lines.get(lines.size() - 1));
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void anOrdersRunPassesItsAudit(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"orders", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--users", "4", "--rate", "40", "--deposit-rate", "4",
        "--duration", "3s", "--warmup", "1s", "--initial-balance", "20", "--amount", "1.00", "--refund-ratio", "0.3",
        "--out", out.toString()});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getLong("ordersFinished") > 0);
    assertTrue(result.getLong("refundsRequested") > 0, "some FINISHED orders were refunded: " + result.encodePrettily());
    long timed = result.getJsonObject("createToFinalMs").getLong("count");
    assertTrue(timed >= 100 && timed <= 120, "only the 120 orders after the warm-up are timed, got " + timed);
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ_WRITE)
  void theAuditFailsWhenAStoredBalanceWasTamperedWith(@TempDir Path out) throws Exception {
    // Every wallet the run creates gets 1000.00 more behind the API's back once it exists.
    Pool pool = PgPools.create(runtime.vertx(), settings.wallet().pg(), "tamper");
    long timer = runtime.vertx().setPeriodic(200, id -> pool.query(
        "UPDATE wallets SET balance_minor = balance_minor + 100000, version = version + 1 WHERE created_at > now() - interval '1 minute'"
            + " AND balance_minor < 100000000").execute());
    int exit = LoadTesterMain.run(new String[] {"wallet", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--wallets", "1", "--rate", "20", "--duration", "2s",
        "--warmup", "0s", "--out", out.toString()});
    runtime.vertx().cancelTimer(timer);
    JsonObject result = result(out);
    assertEquals(1, exit, result.encodePrettily());
    assertTrue(result.getLong("discrepancyCount") > 0);
  }

  /**
   * Given no shared secret, the load tester registers a client per principal (POST /oauth/clients), as an
   * operator would: with the admin's credentials, so that they may fund their accounts.
   */
  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ)
  void withoutASecretARunRegistersItsOwnClients(@TempDir Path out) throws Exception {
    int exit = LoadTesterMain.run(new String[] {"orders", "--url", url, "--users", "2", "--rate", "10", "--deposit-rate", "0",
        "--duration", "1s", "--warmup", "0s", "--initial-balance", "100", "--out", out.toString(),
        "--admin-client-id", Tokens.ADMIN_CLIENT.toString(), "--admin-client-secret", Tokens.DEV_SECRET});
    JsonObject result = result(out);
    assertEquals(0, exit, result.encodePrettily());
    assertTrue(result.getLong("accepted") > 0, result.encodePrettily());
  }

  @Test
  @ResourceLock(value = LEDGER, mode = ResourceAccessMode.READ_WRITE)
  void theOrdersAuditFailsOnAnOrderNobodyPlaced(@TempDir Path out) throws Exception {
    // Once the run's users have orders, each gets one more FAILED order written behind the API's back:
    // nothing went unanswered, so the audit has no request to explain it with.
    Pool pool = PgPools.create(runtime.vertx(), settings.orders().pg(), "tamper-orders");
    long timer = tamperOnce(pool, "INSERT INTO orders (order_id, user_id, amount_minor, description, status, failure_reason)"
        + " SELECT gen_random_uuid(), user_id, 100, 'not placed by the run', 'FAILED', 'INSUFFICIENT_FUNDS'"
        + " FROM orders WHERE created_at > $1 GROUP BY user_id");
    int exit = LoadTesterMain.run(new String[] {"orders", "--url", url, "--shared-secret", Tokens.DEV_SECRET, "--users", "2", "--rate", "20", "--deposit-rate", "0",
        "--duration", "3s", "--warmup", "0s", "--initial-balance", "100", "--out", out.toString()});
    runtime.vertx().cancelTimer(timer);
    JsonObject result = result(out);
    assertEquals(1, exit, result.encodePrettily());
    assertEquals(0, result.getLong("unanswered"));
    assertTrue(result.getJsonArray("discrepancies").encode().contains("0 unanswered"), result.encodePrettily());
  }
}
