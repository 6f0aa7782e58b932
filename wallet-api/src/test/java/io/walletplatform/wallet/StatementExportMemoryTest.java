package io.walletplatform.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.ServiceProcess;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.migrations.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A statement far larger than the heap streams through it: wallet-api as its own process with a 64 MB
 * heap (and 64 MB of direct memory, exiting on an OutOfMemoryError) exports {@code export.rows}
 * operations (200,000 by default: 26 MB of CSV, several times the heap as rows in memory;
 * {@code -Dexport.rows=1000000} for the issue's million, 128 MB of CSV) to a client that counts the
 * rows as they arrive and keeps none.
 */
class StatementExportMemoryTest {

  private static final int ROWS = Integer.getInteger("export.rows", 200_000);

  @Test
  void aStatementLargerThanTheHeapStreamsThroughIt() {
    ServiceRuntime runtime = ServiceRuntime.create();
    Vertx vertx = runtime.vertx();
    int port = FreePorts.pick();
    Config config = IsolatedConfig.create("export").with("WALLET_API_PORT", Integer.toString(port))
        .with("HTTP_INSTANCES", "1").with("WARMUP_MAX_MS", "0");
    Map<String, String> environment = new HashMap<>(config.values());
    environment.putAll(Tokens.config());
    Authentication authentication = Tokens.authentication(vertx, config);
    WalletApiSettings settings = WalletApiSettings.from(config);
    Await.result(Migrations.migrate(vertx, settings.pg(), Migrations.WALLET));
    UUID walletId = UUID.randomUUID();
    String owner = UUID.randomUUID().toString();
    Pool pool = PgPools.create(vertx, settings.pg(), "export-rows");
    try (ServiceProcess api = ServiceProcess.startWithHeap("wallet-api-64m", WalletApiMain.class.getName(), environment,
        "64m")) {
      long inserting = System.nanoTime();
      Await.result(pool.preparedQuery("INSERT INTO wallets (wallet_id, balance_minor, owner_id) VALUES ($1, $2, $3)")
          .execute(Tuple.of(walletId, (long) ROWS, owner)));
      Await.result(pool.preparedQuery("""
          INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status,
                                         balance_after_minor, accepted_at, processed_at, kafka_partition, kafka_offset)
          SELECT gen_random_uuid(), $1, 'DEPOSIT', 1, 'COMPLETED', n, t, t, 0, n
            FROM generate_series(1, $2) AS n, LATERAL (SELECT TIMESTAMPTZ '2026-01-01' + n * INTERVAL '1 ms') AS s(t)""")
          .execute(Tuple.of(walletId, ROWS)), Duration.ofMinutes(5));
      long inserted = System.nanoTime();
      api.awaitOutput("wallet-api ready", Duration.ofSeconds(90));

      String token = Tokens.issue(authentication, owner, "wallets");
      AtomicLong lines = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      HttpClientResponse response = Await.result(vertx.createHttpClient()
          .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
              .setURI("/api/v1/wallets/" + walletId + "/statement").putHeader("Authorization", "Bearer " + token)
              .putHeader("Accept", "text/csv"))
          .compose(request -> request.send())
          .compose(answer -> {
            answer.handler(chunk -> {
              bytes.addAndGet(chunk.length());
              for (int i = 0; i < chunk.length(); i++) {
                if (chunk.getByte(i) == '\n') {
                  lines.incrementAndGet();
                }
              }
            });
            return answer.end().map(answer);
          }), Duration.ofMinutes(5));
      long exported = System.nanoTime();
      assertEquals(200, response.statusCode());
      assertEquals(ROWS + 1, lines.get(), "the header and every row");
      assertTrue(bytes.get() > 100L * ROWS, "about 128 bytes a row: " + bytes.get());
      assertTrue(api.isAlive(), "wallet-api still runs in its 64 MB:\n" + api.output());
      assertFalse(api.output().contains("java.lang.OutOfMemoryError"), api.output());
      System.out.printf("statement export: %,d rows, %,d bytes in %d ms through a 64 MB heap (inserted in %d ms)%n", ROWS,
          bytes.get(), (exported - inserted) / 1_000_000, (inserted - inserting) / 1_000_000);
    } finally {
      pool.close();
      Await.result(vertx.close());
    }
  }
}
