package io.walletplatform.wallet;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.walletplatform.common.config.RedisSettings;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.infra.EmbeddedInfrastructure;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.wallet.redis.CoalescingRedis;
import io.walletplatform.wallet.redis.OperationGuard;
import io.walletplatform.wallet.redis.OperationGuard.Claim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims on a Redis of their own, configured as the embedded one (allkeys-lru) but with a few
 * megabytes: memory reaches a plateau at the limit and writes keep succeeding, because Redis
 * evicts the oldest claims instead of refusing; and a claim costs what docs/benchmarks.md says.
 */
class OperationGuardTest {

  // Small, so that the eviction test fills it with ~20,000 claims (8 MB took 120,000 and half a minute).
  private static final String MAX_MEMORY = "4mb";

  private static Vertx vertx;
  private static RedisServer server;
  private static Redis redis;
  /** As wallet-api sends claims: the commands of one event-loop turn pipelined together. */
  private static Redis coalesced;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    int port = FreePorts.pick();
    server = EmbeddedInfrastructure.startRedis(port, MAX_MEMORY);
    redis = RedisClients.create(vertx, new RedisSettings("redis://127.0.0.1:" + port, "", 4, Duration.ofSeconds(10)));
    coalesced = new CoalescingRedis(redis, 256, new SimpleMeterRegistry(), "test");
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(vertx.close());
    server.stop();
  }

  private static long info(String field) {
    String info = Await.result(redis.send(Request.cmd(Command.INFO).arg("all"))).toString();
    for (String line : info.split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim());
      }
    }
    throw new AssertionError(field + " not in INFO");
  }

  /** Claims {@code count} operations, as the accept path does, 500 at a time. */
  private static void accept(OperationGuard guard, int count) {
    for (int done = 0; done < count; done += 500) {
      Promise<Void> accepted = Promise.promise();
      // On an event loop, as the accept path runs: the claims of the turn go in pipelined batches.
      vertx.getOrCreateContext().runOnContext(ignored -> {
        List<Future<Void>> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          UUID operationId = UUID.randomUUID();
          Claim claim = new Claim(UUID.randomUUID(), OperationType.DEPOSIT, Money.ofMinor(1 + i), Instant.now(),
              null);
          batch.add(guard.tryClaim(operationId, claim).compose(owned -> owned ? Future.<Void>succeededFuture()
              : Future.failedFuture("claim " + operationId + " was not taken")));
        }
        Future.all(batch).<Void>mapEmpty().onComplete(accepted);
      });
      Await.result(accepted.future(), Duration.ofSeconds(30));
    }
  }

  @Test
  void aClaimCostsUnderTwoHundredBytesAndReadsBackAsWritten() {
    OperationGuard guard = new OperationGuard(coalesced, "size:", Duration.ofSeconds(30), Duration.ofHours(1));
    Await.result(redis.send(Request.cmd(Command.FLUSHALL)));
    long before = info("used_memory");
    accept(guard, 10_000);
    double perClaim = (info("used_memory") - before) / 10_000.0;
    System.out.printf("redis bytes per accepted operation: %.1f%n", perClaim);
    assertTrue(perClaim < 200, perClaim + " bytes per claim");

    UUID operationId = UUID.randomUUID();
    UUID walletId = UUID.randomUUID();
    Instant acceptedAt = Instant.parse("2026-12-01T10:15:30.123Z");
    Claim claim = new Claim(walletId, OperationType.WITHDRAW, Money.ofMinor(Long.MAX_VALUE), acceptedAt, null);
    assertTrue(Await.result(guard.tryClaim(operationId, claim)));
    assertEquals(claim, Await.result(guard.find(operationId)));
    // Written once, for the idempotency window (#33), not for the producing window.
    long ttlMs = Await.result(redis.send(Request.cmd(Command.PTTL).arg(OperationGuard.claimKey("size:", operationId))))
        .toLong();
    assertTrue(ttlMs > Duration.ofMinutes(59).toMillis(), "claimed for " + ttlMs + " ms");
    // A claim marked accepted by a wallet-api from before (bit 0 of its first byte) reads as the same claim.
    byte[] key = OperationGuard.claimKey("size:", operationId);
    byte[] marked = Await.result(redis.send(Request.cmd(Command.GET).arg(key))).toBytes();
    marked[0] |= 1;
    Await.result(redis.send(Request.cmd(Command.SET).arg(key).arg(marked)));
    assertEquals(claim, Await.result(guard.find(operationId)));

    // An admin's submission for someone else's wallet keeps the admin's sub after the fixed part.
    UUID byAdmin = UUID.randomUUID();
    Claim adminClaim = new Claim(walletId, OperationType.DEPOSIT, Money.ofMinor(5), acceptedAt, "admin-ä-1");
    assertTrue(Await.result(guard.tryClaim(byAdmin, adminClaim)));
    Claim read = Await.result(guard.find(byAdmin));
    assertEquals(adminClaim, read);
    assertEquals("admin-ä-1", read.requestedBy("owner"));
    assertEquals("owner", claim.requestedBy("owner"));

    // Metadata travels between the fixed part and the sub; other metadata is another request.
    UUID withMetadata = UUID.randomUUID();
    io.vertx.core.json.JsonObject metadata = new io.vertx.core.json.JsonObject().put("order", "A-17 ü").put("x", "");
    Claim tagged = new Claim(walletId, OperationType.HOLD, Money.ofMinor(7), acceptedAt, "admin-ä-1",
        null, acceptedAt.plusSeconds(60), metadata);
    assertTrue(Await.result(guard.tryClaim(withMetadata, tagged)));
    Claim readTagged = Await.result(guard.find(withMetadata));
    assertEquals(tagged, readTagged);
    assertEquals("admin-ä-1", readTagged.requestedBy("owner"));
    assertTrue(readTagged.sameRequest(tagged));
    assertFalse(readTagged.sameRequest(new Claim(walletId, OperationType.HOLD, Money.ofMinor(7), acceptedAt,
        "admin-ä-1", null, acceptedAt.plusSeconds(60), metadata.copy().put("x", "y"))));
    assertFalse(claim.sameRequest(new Claim(walletId, OperationType.WITHDRAW, Money.ofMinor(Long.MAX_VALUE),
        acceptedAt, null, null, null, metadata)));
  }

  /** A claim does not say whether its record reached the log; its age says whether it may still be on its way. */
  @Test
  void aClaimMayBeProducingOnlyWithinItsProducingWindow() {
    OperationGuard guard = new OperationGuard(coalesced, "window:", Duration.ofSeconds(12), Duration.ofHours(1));
    Instant now = Instant.now();
    java.util.function.Function<Instant, Claim> claimedAt = at -> new Claim(UUID.randomUUID(), OperationType.DEPOSIT,
        Money.ofMinor(1), at, null);
    assertTrue(guard.mayBeProducing(claimedAt.apply(now)));
    assertTrue(guard.mayBeProducing(claimedAt.apply(now.minusSeconds(10))));
    assertFalse(guard.mayBeProducing(claimedAt.apply(now.minusSeconds(13))));
    assertFalse(guard.mayBeProducing(claimedAt.apply(now.minus(Duration.ofHours(1)))));
  }

  @Test
  void atTheMemoryLimitOldClaimsAreEvictedAndNewOnesAreStillWritten() {
    OperationGuard guard = new OperationGuard(coalesced, "full:", Duration.ofSeconds(30), Duration.ofHours(1));
    Await.result(redis.send(Request.cmd(Command.FLUSHALL)));
    long limit = info("maxmemory");
    assertEquals(4L * 1024 * 1024, limit);
    accept(guard, 60_000);
    assertTrue(info("evicted_keys") > 0, "Redis evicted instead of refusing");
    assertTrue(info("used_memory") <= limit * 11 / 10, info("used_memory") + " bytes used, limit " + limit);
    long plateau = info("used_memory");
    accept(guard, 20_000);
    assertTrue(info("used_memory") <= Math.max(plateau, limit) * 11 / 10, "memory stays at the plateau");
  }
}
