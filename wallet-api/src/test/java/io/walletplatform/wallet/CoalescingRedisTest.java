package io.walletplatform.wallet;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.walletplatform.common.config.RedisSettings;
import io.walletplatform.wallet.redis.CoalescingRedis;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.infra.EmbeddedInfrastructure;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accept path's Redis client against a real Redis: one round trip per event-loop turn, each caller its own reply. */
class CoalescingRedisTest {

  private static Vertx vertx;
  private static RedisServer server;
  private static Redis redis;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    port = FreePorts.pick();
    server = EmbeddedInfrastructure.startRedis(port, "64mb");
    redis = RedisClients.create(vertx, new RedisSettings("redis://127.0.0.1:" + port, "", 4, Duration.ofSeconds(10)));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(vertx.close());
    server.stop();
  }

  /** Runs {@code commands} within one task of an event loop and waits for all their replies. */
  private static <T> List<T> inOneTurn(Function<Integer, Future<T>> command, int count) {
    Promise<List<T>> all = Promise.promise();
    vertx.runOnContext(ignored -> {
      List<Future<T>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        replies.add(command.apply(i));
      }
      Future.all(replies).map(done -> replies.stream().map(Future::result).toList()).onComplete(all);
    });
    return Await.result(all.future(), Duration.ofSeconds(20));
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void theCommandsOfOneTurnGoInOneRoundTripAndEachCallerGetsItsOwnReply() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CoalescingRedis coalescing = new CoalescingRedis(redis, 256, registry, "test");
    String prefix = UUID.randomUUID() + ":";
    List<Response> sets = inOneTurn(i -> coalescing.send(Request.cmd(Command.SET).arg(prefix + i).arg("value-" + i)), 200);
    assertEquals(200, sets.size());
    sets.forEach(reply -> assertEquals("OK", reply.toString()));
    assertEquals(1.0, count(registry, "redis_round_trips"), "200 commands of one turn, one batch");
    assertEquals(200.0, count(registry, "redis_commands"));

    // Replies in the callers' order, including the null of a SET NX that lost to an earlier claim.
    List<Response> mixed = inOneTurn(i -> i % 2 == 0
        ? coalescing.send(Request.cmd(Command.GET).arg(prefix + i))
        : coalescing.send(Request.cmd(Command.SET).arg(prefix + i).arg("other").arg("NX")), 100);
    for (int i = 0; i < 100; i++) {
      if (i % 2 == 0) {
        assertEquals("value-" + i, mixed.get(i).toString(), "GET " + i);
      } else {
        assertNull(mixed.get(i), "SET NX of an existing key " + i);
      }
    }
    assertEquals(2.0, count(registry, "redis_round_trips"));
    assertEquals("value-1", Await.result(redis.send(Request.cmd(Command.GET).arg(prefix + 1))).toString());
  }

  @Test
  void aTurnWithMoreThanTheLimitTakesSeveralBatchesAndSeparateTurnsSeparateOnes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CoalescingRedis coalescing = new CoalescingRedis(redis, 4, registry, "test");
    String key = UUID.randomUUID().toString();
    List<Response> counts = inOneTurn(i -> coalescing.send(Request.cmd(Command.INCR).arg(key)), 10);
    List<Long> values = counts.stream().map(Response::toLong).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), values.stream().sorted().toList(), "each executed once");
    // Within a batch in the order issued; the batches themselves travel on different pooled
    // connections and may run in any order, as separate commands always could.
    for (int[] batch : new int[][] {{0, 4}, {4, 8}, {8, 10}}) {
      for (int i = batch[0] + 1; i < batch[1]; i++) {
        assertEquals(values.get(i - 1) + 1, values.get(i), "batch of commands " + batch[0] + ".." + (batch[1] - 1) + ": " + values);
      }
    }
    assertEquals(3.0, count(registry, "redis_round_trips"), "4 + 4 + 2");
    inOneTurn(i -> coalescing.send(Request.cmd(Command.INCR).arg(key)), 1);
    inOneTurn(i -> coalescing.send(Request.cmd(Command.INCR).arg(key)), 1);
    assertEquals(5.0, count(registry, "redis_round_trips"));
    assertEquals(12.0, count(registry, "redis_commands"));
  }

  @Test
  void repliesCompleteOnTheThreadThatIssuedTheCommands() {
    // One pooled connection, so that the second loop's batch travels on a connection the first one opened.
    Redis single = RedisClients.create(vertx, new RedisSettings("redis://127.0.0.1:" + port, "", 1, Duration.ofSeconds(10)));
    CoalescingRedis coalescing = new CoalescingRedis(single, 256, new SimpleMeterRegistry(), "test");
    List<String> issuing = new ArrayList<>();
    ConcurrentHashMap<String, String> answeredOn = new ConcurrentHashMap<>();
    for (int loop = 0; loop < 2; loop++) {
      Promise<Void> done = Promise.promise();
      Await.result(vertx.deployVerticle(new AbstractVerticle() {
        @Override
        public void start() {
          String thread = Thread.currentThread().getName();
          issuing.add(thread);
          List<Future<Response>> replies = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            replies.add(coalescing.send(Request.cmd(Command.PING)).onSuccess(reply ->
                answeredOn.merge(thread, Thread.currentThread().getName().equals(thread) ? "same" : "other",
                    (a, b) -> a.equals(b) ? a : "mixed")));
          }
          Future.all(replies).<Void>mapEmpty().onComplete(done);
        }
      }));
      Await.result(done.future(), Duration.ofSeconds(20));
    }
    assertEquals(2, issuing.stream().distinct().count(), "two event loops: " + issuing);
    assertEquals("same", answeredOn.get(issuing.get(0)));
    assertEquals("same", answeredOn.get(issuing.get(1)));
    Await.result(single.close());
  }

  @Test
  void offAnEventLoopACommandGoesAlone() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CoalescingRedis coalescing = new CoalescingRedis(redis, 256, registry, "test");
    assertEquals("PONG", Await.result(coalescing.send(Request.cmd(Command.PING))).toString());
    assertEquals("PONG", Await.result(coalescing.send(Request.cmd(Command.PING))).toString());
    assertEquals(2.0, count(registry, "redis_round_trips"));
  }

  @Test
  void whenRedisIsUnreachableEveryCommandOfTheBatchFails() {
    Redis unreachable = RedisClients.create(vertx, new RedisSettings("redis://127.0.0.1:" + FreePorts.pick(), "", 4,
        Duration.ofSeconds(2)));
    CoalescingRedis coalescing = new CoalescingRedis(unreachable, 256, new SimpleMeterRegistry(), "test");
    Promise<List<Boolean>> outcomes = Promise.promise();
    vertx.runOnContext(ignored -> {
      List<Future<Response>> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        replies.add(coalescing.send(Request.cmd(Command.PING)));
      }
      Future.join(replies).onComplete(joined -> outcomes.complete(replies.stream().map(Future::failed).toList()));
    });
    assertEquals(List.of(true, true, true, true, true, true, true, true, true, true),
        Await.result(outcomes.future(), Duration.ofSeconds(20)));
    Await.result(unreachable.close());
  }
}
