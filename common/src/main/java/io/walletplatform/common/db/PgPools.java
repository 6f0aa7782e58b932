package io.walletplatform.common.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.walletplatform.common.config.PgSettings;

/** Bounded PostgreSQL pools: a fixed size, a bounded wait queue and a connect timeout; each named uniquely for its metrics. */
public final class PgPools {

  private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();

  private PgPools() {
  }

  public static Pool create(Vertx vertx, PgSettings settings, String name) {
    PoolOptions pool = new PoolOptions()
        .setName(name + "-" + SEQUENCE.incrementAndGet())
        .setMaxSize(settings.maxPoolSize())
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10)
        .setShared(false);
    return PgBuilder.pool().with(pool).connectingTo(connectOptions(settings)).using(vertx).build();
  }

  public static PgConnectOptions connectOptions(PgSettings settings) {
    return new PgConnectOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setUser(settings.user())
        .setPassword(settings.password())
        .setDatabase(settings.database())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(64);
  }
}
