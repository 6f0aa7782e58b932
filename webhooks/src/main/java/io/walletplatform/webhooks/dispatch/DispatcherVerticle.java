package io.walletplatform.webhooks.dispatch;

import io.walletplatform.common.util.SingleFlight;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Revocations;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.webhooks.WebhooksSettings;
import io.walletplatform.webhooks.db.WebhookRepository;
import io.walletplatform.webhooks.db.WebhookRepository.Attempt;
import io.walletplatform.webhooks.db.WebhookRepository.Claimed;
import io.walletplatform.webhooks.domain.Delivery;
import io.walletplatform.webhooks.domain.Resolver;
import io.walletplatform.webhooks.domain.Signature;
import io.walletplatform.webhooks.domain.TargetPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends due deliveries. It claims them from PostgreSQL ({@code FOR UPDATE SKIP LOCKED}, each claim
 * a lease, so dispatchers in several processes never send one delivery at once and one that died
 * leaves its claims to the others after the lease), is woken by the commit that made them due
 * ({@code LISTEN webhook_deliveries}) and otherwise scans every {@code scanInterval}.
 *
 * <p>Each attempt re-resolves the URL's host and checks every address ({@link TargetPolicy}), then
 * connects to the address checked; it signs the stored body (Standard Webhooks), sends it with the
 * same {@code webhook-id} (the event id) on every attempt, follows no redirect, reads at most 64 KiB
 * of the answer and gives up after {@code timeout}. A 2xx is DELIVERED; anything else waits the next
 * step of the retry schedule (±20 % jitter), and after the last attempt the delivery is FAILED.
 * Deliveries never wait for each other: at most {@code maxInFlight} are sent at once, at most
 * {@code maxInFlightPerWebhook} of them to one subscription, {@code maxInFlightPerPrincipal} for one
 * principal (all its webhooks) and {@code maxInFlightPerAddress} to one resolved address (whoever's),
 * so a slow or dead receiver, or a principal with many of them, holds only its own share. An attempt
 * has one hard deadline ({@code timeout}) for all of it, the answer's body included; a receiver that
 * times out {@code disableAfterTimeouts} attempts in a row is disabled, with a webhook.disabled event
 * to its owner's other webhooks. Finished deliveries older than {@code deliveryRetention} are deleted.
 * Outcomes are written in batches.
 */
public final class DispatcherVerticle extends VerticleBase {

  static final String CHANNEL = "webhook_deliveries";
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final int MAX_CLAIM = 500;
  private static final int MAX_ERROR_LENGTH = 300;
  private static final long FLUSH_DELAY_MS = 10;
  private static final long CLAIM_PACE_NANOS = 20_000_000L;
  private static final int PRUNE_BATCH = 5_000;
  private static final Logger log = LoggerFactory.getLogger(DispatcherVerticle.class);

  private record Queued(Claimed delivery, long claimedAtNanos) {
  }

  private final WebhooksSettings settings;
  private final MeterRegistry registry;
  private final Revocations revocations;
  /** The revoked principals whose webhooks were last deleted: a sweep runs when the list has changed. */
  private Set<String> swept = Set.of();
  private Pool pool;
  private PgSubscriber subscriber;
  private HttpClient client;
  private Resolver resolver;
  private final WebhookRepository repository = new WebhookRepository();

  private int inFlight;
  private final Map<UUID, Integer> inFlightByWebhook = new HashMap<>();
  private final Map<String, Integer> inFlightByPrincipal = new HashMap<>();
  /** Claimed deliveries waiting for a slot of their webhook or principal, by principal. */
  private final Map<String, ArrayDeque<Queued>> queued = new HashMap<>();
  private int queuedCount;
  /** Attempts connected (or waiting to) per resolved address, and those waiting for a slot there. */
  private final Map<String, Integer> inFlightByAddress = new HashMap<>();
  private final Map<String, ArrayDeque<Promise<Void>>> waitingForAddress = new HashMap<>();
  /** Per webhook: attempts timed out in a row (nothing answered between) and when the first of them was. */
  private final Map<UUID, long[]> timeoutStreaks = new HashMap<>();
  private final Set<UUID> disabling = new HashSet<>();
  private long pruneTimer = -1;
  /** One claim at a time; a wake-up during a claim brings one more after it. */
  private final SingleFlight claims = new SingleFlight(this::claim);
  /** The last claim took as many as it asked for: more may be due, so a freed slot claims again. */
  private boolean moreDue;
  private long lastClaimNanos;
  /** The last claim left out webhooks that had enough already: when slots free up, claim again. */
  private boolean excluded;
  private long pacedWake = -1;
  private boolean stopping;
  private final List<Attempt> unrecorded = new ArrayList<>();
  private boolean recording;
  private long flushTimer = -1;
  private long earliestWake = Long.MAX_VALUE;
  private long scanTimer;
  private long ageTimer;
  private final AtomicLong oldestPendingSeconds = new AtomicLong();

  private Counter delivered;
  private Counter retrying;
  private Counter failed;
  private Counter attempts;
  private Counter disabledWebhooks;
  private Counter pruned;
  private Timer latency;

  public DispatcherVerticle(WebhooksSettings settings, MeterRegistry registry, Revocations revocations) {
    this.settings = settings;
    this.registry = registry;
    this.revocations = revocations;
  }

  @Override
  public Future<?> start() {
    delivered = outcome("delivered");
    retrying = outcome("retrying");
    failed = outcome("failed");
    attempts = Counter.builder("webhook_delivery_attempts").description("Attempts at a delivery").register(registry);
    disabledWebhooks = Counter.builder("webhook_disabled").description("Webhooks disabled because their receiver timed out "
        + "WEBHOOKS_DISABLE_AFTER_TIMEOUTS attempts in a row").register(registry);
    pruned = Counter.builder("webhook_deliveries_pruned").description("Finished deliveries deleted past "
        + "WEBHOOKS_DELIVERY_RETENTION_DAYS").register(registry);
    latency = Timer.builder("webhook_delivery_latency")
        .description("From the delivery's creation (its event consumed) to the 2xx of the attempt that delivered it")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("webhook_oldest_pending_age_seconds", oldestPendingSeconds, AtomicLong::get)
        .description("Age of the oldest PENDING delivery (read every 5 s)").register(registry);
    Gauge.builder("webhook_deliveries_in_flight", this, dispatcher -> dispatcher.inFlight).register(registry);

    pool = PgPools.create(vertx, settings.pg(), "webhook-dispatcher");
    resolver = new Resolver(vertx, new TargetPolicy(settings.allowPrivateNetworks()));
    int timeoutMs = (int) settings.timeout().toMillis();
    client = vertx.createHttpClient(new HttpClientOptions()
            .setKeepAlive(true).setKeepAliveTimeout(30).setForceSni(true).setVerifyHost(true)
            .setConnectTimeout(Math.min(timeoutMs, 5_000)).setMaxRedirects(0),
        // Connections per address: the dispatcher sends only while it holds one of the address's slots.
        new PoolOptions().setHttp1MaxSize(Math.max(settings.maxInFlightPerWebhook(), settings.maxInFlightPerAddress()))
            .setMaxWaitQueueSize(settings.maxInFlight()));
    subscriber = PgSubscriber.subscriber(vertx, PgPools.connectOptions(settings.pg())).reconnectPolicy(attempt -> 1_000L);
    subscriber.channel(CHANNEL).handler(payload -> wake());
    scanTimer = vertx.setPeriodic(settings.scanInterval().toMillis(), id -> {
      wake();
      sweepRevoked();
    });
    ageTimer = vertx.setPeriodic(5_000, id -> repository.oldestPendingAgeSeconds(pool)
        .onSuccess(age -> oldestPendingSeconds.set(Math.round(age))));
    if (!settings.deliveryRetention().isZero()) {
      pruneTimer = vertx.setPeriodic(settings.pruneInterval().toMillis(), id -> prune());
    }
    return subscriber.connect()
        .onFailure(error -> log.warn("webhook dispatcher could not LISTEN, scanning every {} ms: {}",
            settings.scanInterval().toMillis(), error.getMessage()))
        .otherwiseEmpty()
        .onComplete(ignored -> wake());
  }

  private Counter outcome(String outcome) {
    return Counter.builder("webhook_deliveries").description("Delivery attempts by outcome: delivered, retrying "
        + "(failed, another attempt is scheduled), failed (the last attempt failed)").tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Claims what is due, as far as the slots allow; one claim at a time, another after it if woken
   * meanwhile. Woken by a commit that made deliveries due (NOTIFY), a retry falling due, the scan, and
   * a finished attempt only while the last claim suggests more are due (not one query per attempt).
   */
  void wake() {
    claims.wake();
  }

  /** One claim; {@code true} when it filled what it asked for and slots are left: claim again at once. */
  private Future<Boolean> claim() {
    int free = settings.maxInFlight() - inFlight - queuedCount;
    if (free <= 0) {
      moreDue = true; // a finished attempt wakes it again
      return Future.succeededFuture(false);
    }
    int limit = Math.min(free, MAX_CLAIM);
    lastClaimNanos = System.nanoTime();
    Set<UUID> saturated = saturated();
    Set<String> saturatedPrincipals = saturatedPrincipals();
    excluded = !saturated.isEmpty() || !saturatedPrincipals.isEmpty();
    return repository.claim(pool, limit, saturated, saturatedPrincipals, settings.lease().toMillis())
        .map(claimed -> {
          long now = System.nanoTime();
          claimed.forEach(delivery -> start(new Queued(delivery, now)));
          moreDue = claimed.size() == limit;
          return moreDue && free > limit;
        })
        .onFailure(error -> log.warn("webhook dispatcher could not claim deliveries, retrying at the next scan: {}",
            error.toString()));
  }

  private void wakePaced() {
    long sinceClaim = System.nanoTime() - lastClaimNanos;
    if (sinceClaim >= CLAIM_PACE_NANOS) {
      wake();
    } else if (pacedWake < 0) {
      pacedWake = vertx.setTimer(Math.max(1, (CLAIM_PACE_NANOS - sinceClaim) / 1_000_000), id -> {
        pacedWake = -1;
        wake();
      });
    }
  }

  private Set<UUID> saturated() {
    Set<UUID> saturated = new HashSet<>();
    inFlightByWebhook.forEach((webhook, count) -> {
      if (count >= settings.maxInFlightPerWebhook()) {
        saturated.add(webhook);
      }
    });
    return saturated;
  }

  /** Principals with as many deliveries in flight or waiting as they may have in flight. */
  private Set<String> saturatedPrincipals() {
    Set<String> saturated = new HashSet<>();
    inFlightByPrincipal.forEach((principal, count) -> {
      ArrayDeque<Queued> waiting = queued.get(principal);
      if (count + (waiting == null ? 0 : waiting.size()) >= settings.maxInFlightPerPrincipal()) {
        saturated.add(principal);
      }
    });
    queued.forEach((principal, waiting) -> {
      if (waiting.size() >= settings.maxInFlightPerPrincipal()) {
        saturated.add(principal);
      }
    });
    return saturated;
  }

  /** Deletes the webhooks of principals revoked since the last sweep (their pending deliveries end FAILED). */
  private void sweepRevoked() {
    Set<String> revoked = revocations.subjects();
    if (revoked.isEmpty() || revoked.equals(swept)) {
      return;
    }
    repository.deleteRevoked(pool, revoked)
        .onSuccess(failedDeliveries -> {
          swept = revoked;
          if (failedDeliveries > 0) {
            log.info("{} pending deliveries of revoked principals failed; their webhooks deleted", failedDeliveries);
          }
        })
        .onFailure(error -> log.warn("the webhooks of revoked principals could not be deleted yet: {}", error.getMessage()));
  }

  private void start(Queued next) {
    Claimed delivery = next.delivery();
    if (delivery.deleted()) {
      record(new Attempt(delivery.id(), Delivery.Status.FAILED, null, "the webhook was deleted", null));
      return;
    }
    if (delivery.disabled()) {
      record(new Attempt(delivery.id(), Delivery.Status.FAILED, null, "the webhook was disabled", null));
      return;
    }
    // Between a revocation and the sweep that deletes its webhooks, nothing is sent for it either.
    if (revocations.revoked(delivery.principal())) {
      record(new Attempt(delivery.id(), Delivery.Status.FAILED, null, "the principal was revoked", null));
      sweepRevoked();
      return;
    }
    if (!hasSlot(delivery)) {
      queued.computeIfAbsent(delivery.principal(), ignored -> new ArrayDeque<>()).add(next);
      queuedCount++;
      return;
    }
    inFlight++;
    inFlightByWebhook.merge(delivery.webhookId(), 1, Integer::sum);
    inFlightByPrincipal.merge(delivery.principal(), 1, Integer::sum);
    long started = System.nanoTime();
    send(delivery).onComplete(done -> {
      inFlight--;
      if (inFlightByWebhook.merge(delivery.webhookId(), -1, Integer::sum) <= 0) {
        inFlightByWebhook.remove(delivery.webhookId());
      }
      if (inFlightByPrincipal.merge(delivery.principal(), -1, Integer::sum) <= 0) {
        inFlightByPrincipal.remove(delivery.principal());
      }
      attempts.increment();
      finished(delivery, done.succeeded() ? done.result() : null, done.succeeded() ? null : describe(done.cause()),
          started);
      countTimeouts(delivery, done.succeeded() ? null : done.cause());
      startQueued(delivery.principal());
      // More may be due (the last claim was full, or left out a webhook that had enough): claim
      // again as slots free up, at most every CLAIM_PACE (never one query per attempt), and never
      // leave it to the scan.
      if (moreDue || excluded) {
        wakePaced();
      }
    });
  }

  private boolean hasSlot(Claimed delivery) {
    return inFlightByWebhook.getOrDefault(delivery.webhookId(), 0) < settings.maxInFlightPerWebhook()
        && inFlightByPrincipal.getOrDefault(delivery.principal(), 0) < settings.maxInFlightPerPrincipal();
  }

  /**
   * The principal's first waiting delivery that has a slot now, unless its lease is half gone
   * (another claim will take it; dropped here).
   */
  private void startQueued(String principal) {
    ArrayDeque<Queued> waiting = queued.get(principal);
    if (waiting == null) {
      return;
    }
    java.util.Iterator<Queued> each = waiting.iterator();
    Queued startable = null;
    while (each.hasNext()) {
      Queued next = each.next();
      if (System.nanoTime() - next.claimedAtNanos() >= settings.lease().toNanos() / 2) {
        each.remove();
        queuedCount--;
      } else if (hasSlot(next.delivery())) {
        each.remove();
        queuedCount--;
        startable = next;
        break;
      }
    }
    if (waiting.isEmpty()) {
      queued.remove(principal);
    }
    if (startable != null) {
      start(startable);
    }
  }

  /**
   * A timed-out attempt lengthens its webhook's streak, any answer ends it (other failures leave it
   * as it is). A streak of {@code disableAfterTimeouts} whose first timeout is at least
   * {@code disableMinSpan} old disables the webhook, with a webhook.disabled event.
   */
  private void countTimeouts(Claimed delivery, Throwable error) {
    if (settings.disableAfterTimeouts() == 0) {
      return;
    }
    if (error == null) {
      timeoutStreaks.remove(delivery.webhookId());
      return;
    }
    if (!(error instanceof TimedOut)) {
      return;
    }
    long now = System.nanoTime();
    long[] streak = timeoutStreaks.computeIfAbsent(delivery.webhookId(), ignored -> new long[] {0, now});
    streak[0]++;
    if (streak[0] < settings.disableAfterTimeouts() || now - streak[1] < settings.disableMinSpan().toNanos()
        || !disabling.add(delivery.webhookId())) {
      return;
    }
    String reason = "its receiver timed out " + streak[0] + " attempts in a row over "
        + TimeUnit.NANOSECONDS.toSeconds(now - streak[1]) + " s";
    repository.disable(pool, delivery.webhookId(), reason)
        .onSuccess(disabled -> {
          timeoutStreaks.remove(delivery.webhookId());
          if (disabled) {
            disabledWebhooks.increment();
            log.warn("webhook {} of {} disabled: {}", delivery.webhookId(), delivery.principal(), reason);
          }
        })
        .onFailure(failure -> log.warn("webhook {} could not be disabled yet: {}", delivery.webhookId(), failure.toString()))
        .onComplete(done -> disabling.remove(delivery.webhookId()));
  }

  /** Deletes finished deliveries past the retention, a batch at a time until none is left. */
  private void prune() {
    Instant before = Instant.now().minus(settings.deliveryRetention());
    repository.prune(pool, before, PRUNE_BATCH)
        .onSuccess(count -> {
          pruned.increment(count);
          if (count == PRUNE_BATCH && !stopping) {
            vertx.runOnContext(ignored -> prune());
          }
        })
        .onFailure(error -> log.warn("old webhook deliveries could not be deleted, trying at the next interval: {}",
            error.toString()));
  }

  /** The receiver did not answer (status and body) within the attempt's deadline: what a streak counts. */
  static final class TimedOut extends RuntimeException {
    TimedOut(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * One attempt, within one hard deadline ({@code timeout}, from its start): resolving and checking
   * the host, waiting for a slot at the resolved address, connecting, sending, the answer's head and
   * its body (read to its end or cut at 64 KiB). The status code the receiver answered; a receiver
   * that answered but is still sending its body at the deadline has its connection reset and the
   * status kept. Fails with {@link TimedOut} when nothing was answered in time.
   */
  private Future<Integer> send(Claimed delivery) {
    URI uri = URI.create(delivery.url());
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    long timeoutMs = settings.timeout().toMillis();
    Promise<Integer> outcome = Promise.promise();
    Integer[] status = {null};
    HttpClientRequest[] request = new HttpClientRequest[1];
    String[] heldAddress = {null};
    long deadline = vertx.setTimer(timeoutMs, id -> {
      if (status[0] != null) {
        outcome.tryComplete(status[0]);
      } else if (request[0] != null) {
        outcome.tryFail(new TimedOut("no answer within " + timeoutMs + " ms"));
      } else {
        // Not the receiver's doing (yet): the resolver, or the address's slots held by other attempts.
        outcome.tryFail(new IllegalStateException("not sent within " + timeoutMs + " ms (resolving, or waiting for "
            + "a slot at the address)"));
      }
      if (request[0] != null) {
        request[0].reset();
      }
    });
    resolver.resolve(uri.getHost())
        .compose(address -> {
          if (!settings.allowPrivateNetworks() && !TargetPolicy.ALLOWED_PORTS.contains(port)) {
            return Future.failedFuture(new Resolver.Refused("port " + port + " is not 443 or 8443"));
          }
          String key = address.getHostAddress();
          return addressSlot(key, outcome.future()).map(held -> {
            heldAddress[0] = key;
            return address;
          });
        })
        .compose(address -> {
          if (outcome.future().isComplete()) {
            return Future.failedFuture("ended before it was sent");
          }
          long timestamp = Instant.now().getEpochSecond();
          String messageId = delivery.eventId().toString();
          RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
              .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
              .setHost(uri.getHost()).setPort(port).setSsl(https).setURI(path)
              .setIdleTimeout(timeoutMs).setFollowRedirects(false)
              .putHeader("content-type", "application/json")
              .putHeader("user-agent", "wallet-platform-webhooks/1")
              .putHeader("webhook-id", messageId)
              .putHeader("webhook-timestamp", Long.toString(timestamp))
              .putHeader("webhook-signature", Signature.sign(delivery.secret(), messageId, timestamp, delivery.body()));
          return client.request(options).compose(sent -> {
            request[0] = sent;
            if (outcome.future().isComplete()) {
              sent.reset();
              return Future.failedFuture("ended before it was sent");
            }
            return sent.send(Buffer.buffer(delivery.body()));
          });
        })
        .onSuccess(response -> {
          status[0] = response.statusCode();
          drain(response, () -> outcome.tryComplete(status[0]));
        })
        .onFailure(outcome::tryFail);
    return outcome.future().andThen(done -> {
      vertx.cancelTimer(deadline);
      if (heldAddress[0] != null) {
        releaseAddress(heldAddress[0]);
      }
    });
  }

  /**
   * A slot at this address, at once when it has fewer than {@code maxInFlightPerAddress} attempts,
   * otherwise when one ends; given up when the attempt ends first (its deadline).
   */
  private Future<Void> addressSlot(String address, Future<Integer> attempt) {
    int held = inFlightByAddress.getOrDefault(address, 0);
    if (held < settings.maxInFlightPerAddress()) {
      inFlightByAddress.put(address, held + 1);
      return Future.succeededFuture();
    }
    Promise<Void> slot = Promise.promise();
    waitingForAddress.computeIfAbsent(address, ignored -> new ArrayDeque<>()).add(slot);
    attempt.onComplete(ended -> slot.tryFail("no slot at " + address + " before the deadline"));
    return slot.future();
  }

  /** Passes the slot to the next attempt still waiting for this address, or frees it. */
  private void releaseAddress(String address) {
    ArrayDeque<Promise<Void>> waiting = waitingForAddress.get(address);
    while (waiting != null && !waiting.isEmpty()) {
      Promise<Void> next = waiting.poll();
      if (waiting.isEmpty()) {
        waitingForAddress.remove(address);
      }
      if (next.tryComplete()) {
        return;
      }
    }
    if (inFlightByAddress.merge(address, -1, Integer::sum) <= 0) {
      inFlightByAddress.remove(address);
    }
  }

  /** Reads the answer's body to its end, at most 64 KiB of it: past that, the connection is reset. */
  private static void drain(HttpClientResponse response, Runnable done) {
    long[] read = {0};
    response.exceptionHandler(ignored -> done.run());
    response.endHandler(ignored -> done.run());
    response.handler(chunk -> {
      read[0] += chunk.length();
      if (read[0] > MAX_RESPONSE_BYTES) {
        response.handler(null);
        response.request().reset();
        done.run();
      }
    });
  }

  private void finished(Claimed delivery, Integer status, String error, long startedNanos) {
    if (status != null && status >= 200 && status < 300) {
      delivered.increment();
      latency.record(Duration.between(delivery.createdAt(), Instant.now()));
      record(new Attempt(delivery.id(), Delivery.Status.DELIVERED, status, null, null));
      return;
    }
    String reason = error != null ? error : "answered " + status;
    int attempt = delivery.attempts() + 1;
    if (attempt >= settings.maxAttempts()) {
      failed.increment();
      record(new Attempt(delivery.id(), Delivery.Status.FAILED, status, reason, null));
      return;
    }
    retrying.increment();
    long waitMs = settings.retrySchedule().get(Math.min(attempt, settings.retrySchedule().size()) - 1).toMillis();
    long jittered = Math.max(1, Math.round(waitMs * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    record(new Attempt(delivery.id(), Delivery.Status.PENDING, status, reason, Instant.now().plusMillis(jittered)));
    wakeAt(jittered);
    if (log.isDebugEnabled()) {
      log.debug("delivery {} attempt {} failed after {} ms: {}", delivery.deliveryId(), attempt,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), reason);
    }
  }

  /** A retry due before the next scan gets its own wake-up. */
  private void wakeAt(long delayMs) {
    if (delayMs >= settings.scanInterval().toMillis()) {
      return;
    }
    long at = System.currentTimeMillis() + delayMs;
    if (at >= earliestWake) {
      return;
    }
    earliestWake = at;
    vertx.setTimer(delayMs + 5, id -> {
      earliestWake = Long.MAX_VALUE;
      wake();
    });
  }

  private static String describe(Throwable error) {
    String text = error instanceof Resolver.Refused ? error.getMessage()
        : error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
  }

  private void record(Attempt attempt) {
    unrecorded.add(attempt);
    if (flushTimer < 0 && !recording) {
      flushTimer = vertx.setTimer(FLUSH_DELAY_MS, id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  /** Writes the outcomes gathered so far in one statement; on failure they are kept and written later. */
  private Future<Void> flush() {
    if (recording || unrecorded.isEmpty()) {
      return Future.succeededFuture();
    }
    recording = true;
    List<Attempt> batch = new ArrayList<>(unrecorded);
    unrecorded.clear();
    return repository.recordAttempts(pool, batch)
        .onFailure(error -> {
          log.warn("webhook dispatcher could not record {} attempts, retrying in 1 s: {}", batch.size(), error.toString());
          unrecorded.addAll(0, batch);
        })
        .onComplete(done -> {
          recording = false;
          if (!unrecorded.isEmpty() && flushTimer < 0) {
            flushTimer = vertx.setTimer(done.succeeded() ? FLUSH_DELAY_MS : 1_000, id -> {
              flushTimer = -1;
              flush();
            });
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(scanTimer);
    vertx.cancelTimer(ageTimer);
    vertx.cancelTimer(pruneTimer);
    return claims.stop().compose(ignored -> flush()).otherwiseEmpty()
        .eventually(() -> Future.join(subscriber.close(), client.close(), pool.close()));
  }
}
