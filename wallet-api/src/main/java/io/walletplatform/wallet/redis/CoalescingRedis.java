package io.walletplatform.wallet.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * A Redis client that sends the commands one event-loop thread issues within one turn of its loop
 * as one pipelined {@link Redis#batch batch}: one pooled connection, one write and one read of the
 * replies for all of them, instead of a pool lease, a write and a read each. Under load the
 * commands of the requests that one wake-up of the loop read (their claims) go together; alone, a
 * command waits only for the end of the current turn.
 *
 * <p>Each caller gets its own reply. The commands of one batch run in the order issued; separate
 * batches go on different pooled connections and may run in any order, as separate commands
 * always could (a caller that needs an order waits for one reply before its next command). A batch fails as a whole (the connection broke, the command
 * timeout passed, or Redis answered one of its commands with an error): then every command in it
 * fails, which its caller handles as it handles Redis being unavailable. A failed command may
 * still have been executed, as with a single command whose reply was lost. Commands issued off an
 * event loop are sent alone.
 */
public final class CoalescingRedis implements Redis {

  private final Redis redis;
  private final int maxBatch;
  private final ThreadLocal<List<Pending>> pending = ThreadLocal.withInitial(ArrayList::new);
  private final Counter roundTrips;
  private final Counter commands;

  private record Pending(Request request, Promise<Response> reply) {
  }

  /**
   * @param maxBatch a turn's commands beyond this many go in a further batch
   * @param name     tags the counters {@code redis_round_trips_total} and {@code redis_commands_total}
   *                 (shared by every instance given the same name and registry)
   */
  public CoalescingRedis(Redis redis, int maxBatch, MeterRegistry registry, String name) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    this.redis = redis;
    this.maxBatch = maxBatch;
    this.roundTrips = Counter.builder("redis_round_trips").tag("client", name)
        .description("Round trips to Redis: batches, and commands sent alone").register(registry);
    this.commands = Counter.builder("redis_commands").tag("client", name)
        .description("Commands sent to Redis, in batches or alone").register(registry);
  }

  @Override
  public Future<Response> send(Request command) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return sendAlone(command);
    }
    List<Pending> queued = pending.get();
    Promise<Response> reply = Promise.promise();
    queued.add(new Pending(command, reply));
    if (queued.size() == 1) {
      // The first of this turn: everything issued before the loop runs its next task goes with it.
      context.runOnContext(ignored -> flush(context));
    } else if (queued.size() >= maxBatch) {
      flush(context);
    }
    return reply.future();
  }

  private Future<Response> sendAlone(Request command) {
    roundTrips.increment();
    commands.increment();
    return redis.send(command);
  }

  /** Sends this thread's queued commands; their replies complete on this thread, as the callers' own sends would. */
  private void flush(Context context) {
    List<Pending> queued = pending.get();
    if (queued.isEmpty()) {
      return;
    }
    pending.set(new ArrayList<>());
    if (queued.size() == 1) {
      Pending only = queued.get(0);
      sendAlone(only.request()).onComplete(only.reply());
      return;
    }
    List<Request> requests = new ArrayList<>(queued.size());
    queued.forEach(each -> requests.add(each.request()));
    roundTrips.increment();
    commands.increment(queued.size());
    Thread loop = Thread.currentThread();
    redis.batch(requests).onComplete(replies -> {
      if (Thread.currentThread() == loop) {
        answer(queued, replies);
      } else {
        context.runOnContext(ignored -> answer(queued, replies));
      }
    });
  }

  private static void answer(List<Pending> queued, io.vertx.core.AsyncResult<List<Response>> replies) {
    for (int i = 0; i < queued.size(); i++) {
      if (replies.succeeded()) {
        queued.get(i).reply().complete(replies.result().get(i));
      } else {
        queued.get(i).reply().fail(replies.cause());
      }
    }
  }

  @Override
  public Future<RedisConnection> connect() {
    return redis.connect();
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return redis.batch(commands);
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }
}
