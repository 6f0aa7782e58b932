package io.walletplatform.common.db;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.walletplatform.common.config.RedisSettings;

/** Bounded Redis clients. */
public final class RedisClients {

  private RedisClients() {
  }

  public static Redis create(Vertx vertx, RedisSettings settings) {
    return Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(settings.url())
        .setMaxPoolSize(settings.maxPoolSize())
        .setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(10_000)
        .setPoolRecycleTimeout(15_000));
  }
}
