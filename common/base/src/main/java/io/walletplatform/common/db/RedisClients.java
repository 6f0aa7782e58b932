package io.walletplatform.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.walletplatform.common.config.RedisSettings;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Bounded Redis clients: bounded pools, connect timeout, and a timeout on every command. */
public final class RedisClients {

  private RedisClients() {
  }

  public static Redis create(Vertx vertx, RedisSettings settings) {
    long timeoutMs = settings.commandTimeout().toMillis();
    Redis client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(settings.url())
        .setMaxPoolSize(settings.maxPoolSize())
        .setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(10_000)
        .setPoolRecycleTimeout(15_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))));
    return new TimeBound(client, timeoutMs);
  }

  /** Fails a command that has no answer within the timeout, as if Redis were down (a hung Redis never answers). */
  private record TimeBound(Redis client, long timeoutMs) implements Redis {

    @Override
    public Future<RedisConnection> connect() {
      return client.connect().timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public Future<Void> close() {
      return client.close();
    }

    @Override
    public Future<Response> send(Request command) {
      return client.send(command).timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public Future<List<Response>> batch(List<Request> commands) {
      return client.batch(commands).timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }
  }
}
