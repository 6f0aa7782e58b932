package io.walletplatform.wallet.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.http.ProblemHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admission on the accept path that follows operation-worker's pace, so that a client sending as
 * fast as it is answered (a closed loop, wrk, an attacker) cannot take the CPU the worker needs and
 * collapse the applied rate. While the worker keeps up (its lag under the target) every request
 * passes at once. Past the target, requests pass at a rate set from what the worker can apply (its
 * best recent apply rate, scaled down as the lag grows), one token each; a request with no token waits, paused before its
 * body is read, so the client is slowed to the server's pace instead of being answered with 503s it
 * would fire again at once. It runs after the token, scopes and write limit were checked (an
 * anonymous or invalid flood never takes a place), and waiting requests are served per principal in
 * turn. Only a request that waited {@code maxWaitMs}, or finds its event loop's queue full (its
 * principal holding a fair share of it), is refused: a 503 written from fixed bytes, with the
 * operationId found in the body's first 4 KiB (or one chosen) as the contract asks, and
 * {@code Retry-After}.
 *
 * <p>One instance per process and operations topic (made with the deployment's factory, not a static):
 * every HTTP verticle's requests share the tokens.
 * The rate is written by the lag readers, read by the event loops; each event loop drains its own
 * queue on its own timer.
 */
public final class Admission implements Handler<RoutingContext> {

  private static final long DRAIN_INTERVAL_MS = 5;
  /** What a refusal reads of the body, at most, to find the operationId to answer with. */
  static final int REFUSAL_READ_BYTES = 4_096;
  private static final byte[] REFUSAL_HEAD = ("{\"type\":\"/problems/service-unavailable\",\"title\":\"Service unavailable\","
      + "\"status\":503,\"code\":\"SERVICE_UNAVAILABLE\",\"detail\":\"operation-worker is behind; retry later with the "
      + "same operationId\",\"operationId\":\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] REFUSAL_TAIL = "\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OPERATION_ID_MEMBER = "\"operationId\"".getBytes(StandardCharsets.UTF_8);

  /** Lower bound of the lag admission lets build up, whatever the rate: a batch window's worth at a few thousand/s. */
  private static final long MIN_TARGET_LAG_RECORDS = 1_000;
  /** While throttling, at least this many operations per second pass, so that the lag keeps being measured. */
  private static final double FLOOR_PER_SECOND = 100;
  /**
   * The worker's apply rate is the growth of its committed offsets over this long: it commits once a
   * pass, and a pass on a hot wallet can take a second or more, so a shorter window reads 0 between
   * two commits and twice the rate across one.
   */
  static final long RATE_WINDOW_NANOS = 3_000_000_000L;
  /**
   * What the worker can apply is the best windowed rate seen over this long. Not the last one: while
   * admission throttles, the worker applies what admission lets through, so its last rate is the
   * throttled rate, and a rate set from it (times a share under 1) fell at every read toward the floor
   * (issue #33: in the ceiling benchmark's slow rounds admission let 100-900/s through while the worker
   * applied 1,500-2,500/s). A worker that really got slower is followed once its better rates age out of this
   * window; meanwhile the lag grows, and the shedding bounds stand behind admission.
   */
  static final long CAPACITY_MEMORY_NANOS = 30_000_000_000L;

  private final long targetDelayMs;
  private final long maxWaitMs;
  private final int maxQueuedPerLoop;
  private final Map<Thread, LoopQueue> queues = new ConcurrentHashMap<>();
  private final Counter held;
  private final Counter refused;
  /** Requests per second while throttling; infinite while the worker keeps up. */
  private volatile double ratePerSecond = Double.POSITIVE_INFINITY;
  /** The lag reads of the last {@link #RATE_WINDOW_NANOS}: {nanoTime, committed offsets summed}. */
  private final ArrayDeque<long[]> reads = new ArrayDeque<>();
  /** The windowed apply rates of the last {@link #CAPACITY_MEMORY_NANOS}: {nanoTime, operations/s}. */
  private final ArrayDeque<double[]> rates = new ArrayDeque<>();
  /** What the lag readers saw last, as the gauges show them. */
  private volatile double applyPerSecond;
  private volatile double capacityPerSecond;
  private volatile long lagRecords;
  private double tokens;
  private long refilledNanos = System.nanoTime();

  /**
   * One per process and operations topic, made by whoever deploys the HTTP verticles (their requests
   * share its tokens).
   *
   * @param targetDelayMs the lag let build up before throttling, in time at the worker's apply rate
   */
  public Admission(long targetDelayMs, long maxWaitMs, int maxQueuedPerLoop, MeterRegistry registry) {
    this.targetDelayMs = targetDelayMs;
    this.maxWaitMs = maxWaitMs;
    this.maxQueuedPerLoop = maxQueuedPerLoop;
    held = Counter.builder("wallet_admission_held").description("Operations that waited for an admission token")
        .register(registry);
    refused = Counter.builder("wallet_admission_refused")
        .description("Operations refused (503) after waiting the longest admission allows").register(registry);
    Gauge.builder("wallet_admission_rate", this, Admission::rateForMetrics)
        .description("Operations admitted per second while throttling to the worker's pace; -1: not throttling")
        .register(registry);
    Gauge.builder("wallet_worker_apply_rate", this, admission -> admission.applyPerSecond)
        .description("operation-worker's apply rate over the last 3 s (operations/s, from its committed offsets)")
        .register(registry);
    Gauge.builder("wallet_worker_capacity", this, admission -> admission.capacityPerSecond)
        .description("The best apply rate of operation-worker over the last 30 s: what admission lets through while throttling")
        .register(registry);
    Gauge.builder("wallet_worker_lag_records", this, admission -> admission.lagRecords)
        .description("Operations accepted and not yet applied by operation-worker, as admission last read them")
        .register(registry);
  }

  /** What a lag reader saw: the worker group's committed offsets summed, and its lag. */
  public void paced(long committedTotal, long lagRecords) {
    paced(committedTotal, lagRecords, System.nanoTime());
  }

  /**
   * Measures the worker's apply rate over the last {@link #RATE_WINDOW_NANOS} (from the first read
   * half a window old on), takes the best rate of the last {@link #CAPACITY_MEMORY_NANOS} as what it
   * can apply, and sets the rate from that: the target lag is a {@code targetDelayMs} of it, at least
   * 1,000 operations. Called by every lag reader of the process (they read the same offsets).
   */
  synchronized void paced(long committedTotal, long lagRecords, long nowNanos) {
    this.lagRecords = lagRecords;
    if (!reads.isEmpty() && committedTotal < reads.peekLast()[1]) {
      reads.clear();  // read while the group rebalanced (a partition without its offset): measure afresh
    }
    reads.addLast(new long[] {nowNanos, committedTotal});
    while (reads.size() > 2 && nowNanos - secondOf(reads)[0] >= RATE_WINDOW_NANOS) {
      reads.pollFirst();
    }
    long[] first = reads.peekFirst();
    if (nowNanos - first[0] >= RATE_WINDOW_NANOS / 2) {
      applyPerSecond = (committedTotal - first[1]) * 1e9 / (nowNanos - first[0]);
      rates.addLast(new double[] {nowNanos, applyPerSecond});
    }
    while (!rates.isEmpty() && nowNanos - rates.peekFirst()[0] > CAPACITY_MEMORY_NANOS) {
      rates.pollFirst();
    }
    double capacity = 0;
    for (double[] rate : rates) {
      capacity = Math.max(capacity, rate[1]);
    }
    capacityPerSecond = capacity;
    long target = Math.max(MIN_TARGET_LAG_RECORDS, (long) (capacity * targetDelayMs / 1000.0));
    update(capacity, lagRecords, target, FLOOR_PER_SECOND);
  }

  private static long[] secondOf(ArrayDeque<long[]> reads) {
    Iterator<long[]> iterator = reads.iterator();
    iterator.next();
    return iterator.next();
  }

  /**
   * Sets the rate from what the worker can apply (operations per second) and its lag (operations
   * accepted, not applied). Under the target every request passes; past it the
   * rate is the apply rate scaled by target / lag, between half and all of it, and never below
   * {@code floorPerSecond}, so that the backlog drains while accepting goes on.
   */
  void update(double perSecond, long lagRecords, long targetLagRecords, double floorPerSecond) {
    if (lagRecords <= targetLagRecords) {
      ratePerSecond = Double.POSITIVE_INFINITY;
      return;
    }
    double share = Math.max(0.5, Math.min(1.0, (double) targetLagRecords / lagRecords));
    ratePerSecond = Math.max(floorPerSecond, perSecond * share);
  }

  /** The rate while throttling, -1 while every request passes at once (as the gauge shows it). */
  public double rateForMetrics() {
    return Double.isInfinite(ratePerSecond) ? -1 : ratePerSecond;
  }

  @Override
  public void handle(RoutingContext ctx) {
    LoopQueue queue = queues.get(Thread.currentThread());
    boolean othersWait = queue != null && queue.size > 0;
    if (!othersWait && (Double.isInfinite(ratePerSecond) || tryAcquire())) {
      ctx.next();
      return;
    }
    if (queue == null) {
      queue = queues.computeIfAbsent(Thread.currentThread(), thread -> new LoopQueue(ctx.vertx()));
    }
    String principal = Principal.of(ctx).subject();
    if (queue.size >= maxQueuedPerLoop && !queue.makeRoomFor(principal)) {
      refuse(ctx);
      return;
    }
    ctx.request().pause();
    held.increment();
    queue.add(principal, new Waiting(ctx, System.nanoTime()));
    queue.schedule();
  }

  private synchronized boolean tryAcquire() {
    double rate = ratePerSecond;
    if (Double.isInfinite(rate)) {
      return true;
    }
    long now = System.nanoTime();
    double burst = Math.max(1, rate * DRAIN_INTERVAL_MS * 4 / 1000.0);
    tokens = Math.min(burst, tokens + (now - refilledNanos) * rate / 1e9);
    refilledNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private record Waiting(RoutingContext ctx, long sinceNanos) {
  }

  /**
   * One event loop's waiting requests, one FIFO per principal, drained on a timer of that loop
   * while any wait. Tokens go to the principals in turn (the map's order is the turn: a principal
   * served moves to its end), so a principal sending a thousand requests delays another's next one
   * by one turn, not by a thousand. When the queue is full, a newcomer whose principal holds fewer
   * places than the largest holder takes the largest holder's newest place (that one is refused).
   */
  private final class LoopQueue {
    final Vertx vertx;
    final LinkedHashMap<String, ArrayDeque<Waiting>> byPrincipal = new LinkedHashMap<>();
    int size;
    long timerId = -1;

    LoopQueue(Vertx vertx) {
      this.vertx = vertx;
    }

    void add(String principal, Waiting waiting) {
      byPrincipal.computeIfAbsent(principal, ignored -> new ArrayDeque<>()).add(waiting);
      size++;
    }

    boolean makeRoomFor(String principal) {
      ArrayDeque<Waiting> own = byPrincipal.get(principal);
      int ownSize = own == null ? 0 : own.size();
      String largest = null;
      int largestSize = 0;
      for (Map.Entry<String, ArrayDeque<Waiting>> entry : byPrincipal.entrySet()) {
        if (entry.getValue().size() > largestSize) {
          largest = entry.getKey();
          largestSize = entry.getValue().size();
        }
      }
      if (largest == null || largestSize <= ownSize + 1) {
        return false;
      }
      Waiting evicted = byPrincipal.get(largest).pollLast();
      size--;
      refuse(evicted.ctx());
      return true;
    }

    void schedule() {
      if (timerId < 0) {
        timerId = vertx.setPeriodic(DRAIN_INTERVAL_MS, id -> drain());
      }
    }

    void drain() {
      long oldestAllowed = System.nanoTime() - maxWaitMs * 1_000_000;
      Iterator<ArrayDeque<Waiting>> principals = byPrincipal.values().iterator();
      while (principals.hasNext()) {
        ArrayDeque<Waiting> waiting = principals.next();
        while (!waiting.isEmpty() && (waiting.peek().ctx().response().closed() || waiting.peek().sinceNanos() < oldestAllowed)) {
          Waiting next = waiting.poll();
          size--;
          if (!next.ctx().response().closed()) {
            refuse(next.ctx());
          }
        }
        if (waiting.isEmpty()) {
          principals.remove();
        }
      }
      while (size > 0 && tryAcquire()) {
        Iterator<Map.Entry<String, ArrayDeque<Waiting>>> first = byPrincipal.entrySet().iterator();
        Map.Entry<String, ArrayDeque<Waiting>> turn = first.next();
        Waiting next = turn.getValue().poll();
        size--;
        first.remove();
        if (!turn.getValue().isEmpty()) {
          byPrincipal.put(turn.getKey(), turn.getValue());
        }
        if (next.ctx().response().closed()) {
          continue;
        }
        next.ctx().request().resume();
        next.ctx().next();
      }
      if (size == 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
  }

  /**
   * The cheapest answer the contract allows: fixed bytes around the operationId, no JSON parsed or
   * written. The operationId is looked for in the first {@link #REFUSAL_READ_BYTES} of the body
   * only; a longer body is not read on (the connection closes after the answer).
   */
  private void refuse(RoutingContext ctx) {
    refused.increment();
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      answerRefusal(ctx, null);
      return;
    }
    Buffer head = Buffer.buffer();
    boolean[] answered = {false};
    request.handler(chunk -> {
      if (answered[0]) {
        return;
      }
      head.appendBuffer(chunk, 0, Math.min(chunk.length(), REFUSAL_READ_BYTES - head.length()));
      if (head.length() >= REFUSAL_READ_BYTES) {
        answered[0] = true;
        request.pause();
        answerRefusal(ctx, head);
      }
    });
    request.endHandler(end -> {
      if (!answered[0]) {
        answered[0] = true;
        answerRefusal(ctx, head);
      }
    });
    request.exceptionHandler(error -> answered[0] = true);
    request.resume();
  }

  private static void answerRefusal(RoutingContext ctx, Buffer head) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    String operationId = head != null ? operationIdIn(head) : null;
    Buffer answer = Buffer.buffer(REFUSAL_HEAD.length + 38).appendBytes(REFUSAL_HEAD)
        .appendString(operationId != null ? operationId : UUID.randomUUID().toString()).appendBytes(REFUSAL_TAIL);
    ctx.response().setStatusCode(503).putHeader("content-type", "application/problem+json")
        .putHeader("retry-after", "1");
    ProblemHandler.endClosingIfBodyUnread(ctx, answer);
  }

  /** The operationId of a submission, read by a scan of its bytes; null when there is no well-formed one. */
  static String operationIdIn(Buffer body) {
    byte[] bytes = body.getBytes();
    int at = indexOf(bytes, OPERATION_ID_MEMBER, 0);
    if (at < 0) {
      return null;
    }
    int quote = indexOf(bytes, new byte[] {'"'}, at + OPERATION_ID_MEMBER.length);
    if (quote < 0 || quote + 37 >= bytes.length || bytes[quote + 37] != '"') {
      return null;
    }
    String candidate = new String(bytes, quote + 1, 36, StandardCharsets.US_ASCII);
    try {
      return UUID.fromString(candidate).toString().equalsIgnoreCase(candidate) ? candidate : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int indexOf(byte[] bytes, byte[] needle, int from) {
    outer:
    for (int i = from; i <= bytes.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
