package io.walletplatform.common.ops;

import io.walletplatform.common.health.KafkaProbe;
import io.walletplatform.common.health.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.ops.ApiContract;
import io.walletplatform.common.idempotency.IdempotencyKeys;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An API module whose handlers need one PostgreSQL pool, and whose health is that database and
 * Kafka (which its outbox relay and inbox consumers depend on).
 */
public final class PgApiModule implements ApiModule {

  private final Pool pool;
  private final KafkaAdminClient admin;
  private final ApiContract contract;
  private final IdempotencyKeys keys;

  private PgApiModule(Pool pool, KafkaAdminClient admin, ApiContract contract, IdempotencyKeys keys) {
    this.pool = pool;
    this.admin = admin;
    this.contract = contract;
    this.keys = keys;
  }

  /**
   * @param name     the contract's name ({@code openapi/<name>.yaml}) and the pool's
   * @param handlers the handlers by operationId, built on the module's pool
   */
  public static ApiModule.Factory factory(String name, PgSettings pg, KafkaSettings kafka, HttpSettings http,
                                          Function<Pool, Map<String, Handler<RoutingContext>>> handlers) {
    return factory(name, pg, kafka, http, handlers, java.util.Set.of());
  }

  /** @param checkedByHandler operations whose handlers enforce the contract themselves (see {@link ApiContract}) */
  public static ApiModule.Factory factory(String name, PgSettings pg, KafkaSettings kafka, HttpSettings http,
                                          Function<Pool, Map<String, Handler<RoutingContext>>> handlers,
                                          java.util.Set<String> checkedByHandler) {
    return (vertx, authentication) -> {
      Pool pool = PgPools.create(vertx, pg, name);
      KafkaAdminClient admin = KafkaProbe.admin(vertx, kafka);
      IdempotencyKeys keys = IdempotencyKeys.start(vertx, pool, http);
      return ApiContract.load(vertx, name, handlers.apply(pool), checkedByHandler, Map.of(), keys::handler,
              authentication)
          .<ApiModule>map(contract -> new PgApiModule(pool, admin, contract, keys))
          .onFailure(error -> {
            keys.close();
            Future.join(pool.close(), admin.close());
          });
    };
  }

  @Override
  public ApiContract contract() {
    return contract;
  }

  @Override
  public List<HealthCheck> healthChecks() {
    return List.of(
        new HealthCheck("postgres", () -> pool.query("SELECT 1").execute()),
        new HealthCheck("kafka", () -> KafkaProbe.probe(admin)));
  }

  @Override
  public Future<Void> close() {
    keys.close();
    return Future.join(pool.close(), admin.close()).mapEmpty();
  }
}
