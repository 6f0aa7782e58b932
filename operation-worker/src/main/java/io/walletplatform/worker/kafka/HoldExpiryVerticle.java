package io.walletplatform.worker.kafka;

import io.walletplatform.common.util.SingleFlight;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.worker.OperationWorkerSettings;
import io.walletplatform.worker.db.LedgerRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Releases holds past their expiresAt through the same ordered pipeline as every other operation:
 * every scan interval it reads the ACTIVE holds past expiresAt (the partial index on expires_at: no
 * scan of all holds) and produces, keyed by the hold's wallet, a VOID marked {@code expiry}, so its
 * place among the wallet's operations is the Kafka order like any other's. Its operationId is
 * derived from the hold id: however many workers scan, and however often a crash makes one submit it
 * again, the worker applies it once (a second record is a duplicate). A hold whose release was
 * produced is not submitted again for {@link #RESUBMIT_AFTER_MS}; after that, if it is still ACTIVE
 * (the record is still waiting, or was lost with an unacknowledged send), it is submitted again.
 * Nothing here is state that a restart loses: the table is the truth.
 */
public final class HoldExpiryVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HoldExpiryVerticle.class);
  private static final int SCAN_LIMIT = 1_000;
  private static final long RESUBMIT_AFTER_MS = 30_000;

  private final OperationWorkerSettings settings;
  private final MeterRegistry registry;
  private final Map<UUID, Long> submitted = new HashMap<>();
  private Pool pool;
  private KafkaProducer<String, String> producer;
  private LedgerRepository repository;
  private Counter releases;
  private long timerId;
  /** One pass at a time; a tick during a pass brings one more after it. */
  private final SingleFlight passes = new SingleFlight(this::scan);

  public HoldExpiryVerticle(OperationWorkerSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  /** The operationId of the release of a hold: the same for every worker and every attempt. */
  public static UUID releaseOperationId(UUID holdId) {
    return UUID.nameUUIDFromBytes(("hold-expiry:" + holdId).getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public Future<?> start() {
    releases = Counter.builder("worker_hold_expiries_submitted")
        .description("Releases of holds past their expiresAt produced to the operations topic").register(registry);
    pool = PgPools.create(vertx, settings.pg(), "hold-expiry");
    repository = new LedgerRepository();
    producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(settings.kafka(), "hold-expiry"));
    timerId = vertx.setPeriodic(settings.holdExpiryScan().toMillis(), settings.holdExpiryScan().toMillis(),
        id -> passes.wake());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return passes.stop().eventually(() -> Future.join(producer.close(), pool.close()));
  }

  /** One pass (through {@link #passes}: never two at once); a failure waits for the next tick. */
  private Future<Boolean> scan() {
    long now = System.currentTimeMillis();
    submitted.values().removeIf(at -> now - at > RESUBMIT_AFTER_MS);
    return repository.expiredHolds(pool, SCAN_LIMIT).compose(expired -> {
      List<Future<?>> sends = new ArrayList<>();
      expired.forEach((holdId, walletId) -> {
        if (submitted.containsKey(holdId)) {
          return;
        }
        UUID operationId = releaseOperationId(holdId);
        WalletOperationEvent event = new WalletOperationEvent(operationId, walletId, OperationType.VOID, Money.ZERO,
            Timestamps.now(), WalletOperationEvent.PLATFORM, null, holdId, null, true, null);
        sends.add(producer.send(event.record(settings.operationsTopic())).onSuccess(sent -> {
          submitted.put(holdId, now);
          releases.increment();
        }));
      });
      return Future.join(sends).map(false);
    }).onFailure(error -> log.warn("hold expiry scan failed, retrying at the next tick: {}", error.getMessage()));
  }
}
