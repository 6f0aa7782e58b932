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

  /**
   * Every statement is planned for its parameters ({@code plan_cache_mode=force_custom_plan}, sent at
   * connect). With PostgreSQL's default, a statement prepared on a connection switches after five
   * executions to one generic plan if that looks no dearer, and the worker's batch statements
   * ({@code = ANY($1::uuid[])} of a batch's ids, joins over {@code unnest} of its arrays) got generic
   * plans priced on tables nearly empty at the time: in some runs one PostgreSQL backend then burned
   * 60 % of a core and the hot wallet stalled at 1,100-2,000 operations/s instead of 5,000-6,000
   * (issue #33; with custom plans set server-wide, 4 of 4 rounds ran at full rate, against 10 stalled
   * rounds of 19 without). Planning each execution costs tens of microseconds a statement; a batch runs a handful.
   */
  public static PgConnectOptions connectOptions(PgSettings settings) {
    return new PgConnectOptions()
        .addProperty("plan_cache_mode", "force_custom_plan")
        .setHost(settings.host())
        .setPort(settings.port())
        .setUser(settings.user())
        .setPassword(settings.password())
        .setDatabase(settings.database())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(64);
  }
}
