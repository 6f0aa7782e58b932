package io.walletplatform.wallet;

import io.walletplatform.common.health.KafkaProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.wallet.redis.CoalescingRedis;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.db.RedisClients;
import io.walletplatform.common.ops.ApiContract;
import io.walletplatform.common.idempotency.IdempotencyKeys;
import io.walletplatform.common.kafka.EventLoopProducer;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.ApiModule;
import io.walletplatform.common.health.HealthCheck;
import io.walletplatform.common.util.LruMap;
import io.walletplatform.common.wallet.WalletCache;
import io.walletplatform.wallet.db.WalletRepository;
import io.walletplatform.wallet.kafka.ApplyLag;
import io.walletplatform.wallet.redis.OperationGuard;
import io.walletplatform.wallet.domain.WalletService;
import io.walletplatform.wallet.http.Admission;
import io.walletplatform.wallet.http.WalletHandlers;
import io.walletplatform.wallet.http.TransactionHandlers;
import io.walletplatform.wallet.http.MonitorHandlers;
import io.walletplatform.wallet.domain.MonitorService;
import io.walletplatform.wallet.db.MonitorRepository;
import io.walletplatform.wallet.domain.TransactionService;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The wallet API's clients and routes for one verticle: what wallet-api serves alone on its own
 * port and the platform serves on 8080.
 */
public final class WalletApi implements ApiModule {

  private final Pool pool;
  private final Redis redis;
  private final KafkaProducer<String, String> producer;
  private final KafkaAdminClient admin;
  private final ApiContract contract;
  private final KafkaClientMetrics producerMetrics;
  private final ApplyLag lag;
  private final IdempotencyKeys keys;

  private WalletApi(Pool pool, Redis redis, KafkaProducer<String, String> producer, KafkaAdminClient admin,
                    ApiContract contract, KafkaClientMetrics producerMetrics, ApplyLag lag, IdempotencyKeys keys) {
    this.keys = keys;
    this.producerMetrics = producerMetrics;
    this.lag = lag;
    this.pool = pool;
    this.redis = redis;
    this.producer = producer;
    this.admin = admin;
    this.contract = contract;
  }

  /**
   * What every HTTP verticle instance of one deployment shares, made here once: call it once per
   * deployment (outside the verticle supplier) so that the instances share the admission tokens and
   * the owners read. Nothing process-wide is static: two deployments (tests, say) share nothing.
   */
  public static ApiModule.Factory factory(WalletApiSettings settings, MeterRegistry registry) {
    Admission admission = settings.admissionTargetDelay().isZero() ? null
        : new Admission(settings.admissionTargetDelay().toMillis(), settings.admissionMaxWait().toMillis(),
            settings.admissionQueuePerLoop(), registry);
    LruMap<UUID, WalletService.WalletRef> owners = new LruMap<>(WalletService.OWNERS_REMEMBERED);
    return (vertx, authentication) -> create(vertx, settings, registry, authentication, admission, owners)
        .map(api -> (ApiModule) api);
  }

  /** Creates the clients on the calling verticle's context and binds the contract's routes. */
  private static Future<WalletApi> create(Vertx vertx, WalletApiSettings settings, MeterRegistry registry,
                                          Authentication authentication, Admission admission,
                                          LruMap<UUID, WalletService.WalletRef> owners) {
    Pool pool = PgPools.create(vertx, settings.pg(), "wallet-api");
    Redis redis = RedisClients.create(vertx, settings.redis());
    // Never blocks (max.block.ms 0): the accept path sends from the event loop (EventLoopProducer).
    Map<String, String> producerConfig = KafkaClients.eventLoopProducerConfig(settings.kafka(), "wallet-api");
    // Shared by the verticle instances of one deployment; the name carries the brokers so that
    // differently configured deployments in one Vert.x never share a producer.
    KafkaProducer<String, String> producer = KafkaProducer.createShared(vertx,
        "wallet-api@" + settings.kafka().bootstrapServers(), KafkaClients.options(producerConfig));
    EventLoopProducer<String, String> sender = new EventLoopProducer<>(vertx, producer.unwrap(),
        settings.kafka().sendTimeout());
    KafkaAdminClient admin = KafkaProbe.admin(vertx, settings.kafka());
    // The accept path's claims and the balance reads, one round trip per event-loop turn.
    CoalescingRedis coalesced = new CoalescingRedis(redis, 256, registry, "wallet-api");
    WalletCache cache = new WalletCache(coalesced, settings.redis().keyPrefix(), settings.cacheTtl());
    OperationGuard guard = new OperationGuard(coalesced, settings.redis().keyPrefix(),
        settings.kafka().sendTimeout().plus(Duration.ofSeconds(10)), settings.operationGuardTtl());
    ApplyLag lag = new ApplyLag(admin, settings.operationsTopic(), settings.workerGroup(), settings.shedLagRecords(),
        settings.shedLag().toMillis(), admission == null ? null : admission::paced)
        .countingChecksIn(io.micrometer.core.instrument.Counter.builder("wallet_catch_up_checks")
            .description("Checks whether the worker applied everything accepted before a request (a GET of an unknown "
                + "operation id), made on the Kafka admin client: one flight at a time, whatever the request rate")
            .register(registry))
        .start(vertx, settings.shedCheckInterval().toMillis());
    WalletRepository repository = new WalletRepository();
    WalletService service = new WalletService(vertx, pool, repository, cache, guard, sender,
        settings.operationsTopic(), settings.kafka().sendTimeout(), settings.walletsPerPrincipal(), lag, registry,
        owners, settings.defaultAsset());
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer.unwrap());
    producerMetrics.bindTo(registry);
    TransactionService transactions = new TransactionService(pool, repository, service, sender,
        settings.operationsTopic(), lag);
    Map<String, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext>> handlers =
        new java.util.HashMap<>(new WalletHandlers(service).byOperationId());
    handlers.putAll(new TransactionHandlers(transactions).byOperationId());
    handlers.putAll(new MonitorHandlers(new MonitorService(pool, service, new MonitorRepository())).byOperationId());
    IdempotencyKeys keys = IdempotencyKeys.start(vertx, pool, settings.http());
    return ApiContract.load(vertx, "wallet-api", handlers, WalletHandlers.CHECKED_BY_HANDLER,
            admission == null ? Map.of() : Map.of(WalletHandlers.SUBMIT_OPERATION, admission), keys::handler,
            authentication)
        .map(contract -> new WalletApi(pool, redis, producer, admin, contract, producerMetrics, lag, keys))
        .onFailure(error -> {
          keys.close();
          lag.stop();
          producerMetrics.close();
          pool.close();
          redis.close();
          producer.close();
          admin.close();
        });
  }

  @Override
  public ApiContract contract() {
    return contract;
  }

  @Override
  public List<HealthCheck> healthChecks() {
    return List.of(
        new HealthCheck("postgres", () -> pool.query("SELECT 1").execute()),
        new HealthCheck("redis", () -> WalletCache.ping(redis)),
        new HealthCheck("kafka", () -> KafkaProbe.probe(admin)));
  }

  @Override
  public Future<Void> close() {
    keys.close();
    lag.stop();
    producerMetrics.close();
    return Future.join(pool.close(), redis.close(), producer.close(), admin.close()).mapEmpty();
  }
}
