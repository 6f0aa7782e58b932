package io.walletplatform.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Sends requests and records what they produced, in one of two models:
 * <ul>
 *   <li><b>open</b> ({@code --rate}): requests start on a fixed schedule whether or not earlier ones
 *   have finished, and each one's latency is measured from the time it was <em>meant</em> to start,
 *   so a stall shows up in full instead of silently slowing the generator (no coordinated omission);</li>
 *   <li><b>closed</b> ({@code --model closed --connections N}): N connections each send their next
 *   request as soon as the previous one is answered, as {@code wrk} does: it finds the maximum
 *   throughput; latency is from the actual send.</li>
 * </ul>
 * The warm-up is sent but not measured. Between the end of the warm-up and the end of the run the
 * machine's and each process's CPU time is sampled from {@code /proc} ({@link CpuSample}), and the
 * requests answered in that window give CPU per request. Every {@code progressInterval} it prints a
 * line: requests offered and answered so far, errors, and the p99 of the answered ones so far.
 *
 * <p>Everything runs on one Vert.x context, so none of it needs locks.
 */
final class LoadLoop {

  /** How requests are paced. */
  enum Model {
    OPEN, CLOSED;

    static Model of(String text) {
      return switch (text) {
        case "open" -> OPEN;
        case "closed" -> CLOSED;
        default -> throw new IllegalArgumentException("--model must be open or closed, not " + text);
      };
    }
  }

  /** What one request produced: accepted or not, and the error code when not. */
  record Outcome(boolean accepted, String errorCode) {
    static final Outcome OK = new Outcome(true, null);
  }

  /** One second of the run. */
  static final class Second {
    long offered;
    long accepted;
    long errors;
    final Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 2);
  }

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

  private final String name;
  private final Duration progressInterval;
  private final Histogram progressMicros = new Histogram(MAX_MICROS, 2);
  private long errors;

  final Histogram latencyMicros = new Histogram(MAX_MICROS, 3);
  final List<Second> seconds = new ArrayList<>();
  final Map<String, Long> errorsByCode = new TreeMap<>();
  Model model = Model.OPEN;
  /** The rate asked for (open model); the requests kept in flight (closed model). */
  double rate;
  int connections;
  long offered;
  long accepted;
  long measuredAccepted;
  long startedNanos;
  long measuredNanos;
  /** Requests answered between the end of the warm-up and the end of the run, and the CPU samples taken then. */
  long windowAnswered;
  long windowStartMillis;
  long windowEndMillis;
  CpuSample windowStart;
  CpuSample windowEnd;
  private boolean windowOpen;
  private long firstMeasured = Long.MAX_VALUE;

  /** @param progressInterval zero prints nothing */
  LoadLoop(String name, Duration progressInterval) {
    this.name = name;
    this.progressInterval = progressInterval;
  }

  /** Whether something that happened at this instant (an operation applied, an order settled) did so in the measured window. */
  boolean inWindow(java.time.Instant instant) {
    long millis = instant.toEpochMilli();
    return millis >= windowStartMillis && millis <= windowEndMillis;
  }

  /** The measured window's length in seconds. */
  double windowSeconds() {
    return Math.max(1, windowEndMillis - windowStartMillis) / 1000.0;
  }

  /** Whether the request with this sequence number falls in the measured part of the run (not the warm-up). */
  boolean measured(long sequence) {
    return sequence >= firstMeasured;
  }

  /** The model {@code --model} names: open at {@code rate} per second, or closed over {@code --connections}. */
  Future<Void> run(Vertx vertx, Options options, double rate, Duration warmUp, Duration duration,
                   LongFunction<Future<Outcome>> request) {
    return Model.of(options.text("model", "open")) == Model.CLOSED
        ? runClosed(vertx, connections(options), warmUp, duration, request)
        : runOpen(vertx, rate, warmUp, duration, request);
  }

  /** {@code --connections}: 64 by default in the closed model (as many requests in flight), 256 in the open one. */
  static int connections(Options options) {
    boolean closed = Model.of(options.text("model", "open")) == Model.CLOSED;
    return options.integer("connections", closed ? 64 : 256, 1, 10_000);
  }

  /**
   * Runs {@code rate} requests per second for warm-up plus duration. {@code request} gets the
   * request's sequence number and must complete with its outcome.
   */
  Future<Void> runOpen(Vertx vertx, double rate, Duration warmUp, Duration duration, LongFunction<Future<Outcome>> request) {
    this.model = Model.OPEN;
    this.rate = rate;
    Promise<Void> done = Promise.promise();
    long intervalNanos = (long) (1_000_000_000L / rate);
    long total = (long) (rate * (warmUp.toMillis() + duration.toMillis()) / 1000.0);
    firstMeasured = (long) (rate * warmUp.toMillis() / 1000.0);
    long[] next = {0};
    long[] finished = {0};
    List<Long> timers = start(vertx, warmUp, duration);
    timers.add(vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (next[0] < total && startedNanos + next[0] * intervalNanos <= now) {
        long sequence = next[0]++;
        long intended = startedNanos + sequence * intervalNanos;
        send(sequence, intended, request).onComplete(ignored -> {
          if (++finished[0] == total) {
            finish(vertx, timers);
            done.tryComplete();
          }
        });
      }
    }));
    return done.future();
  }

  /** Keeps {@code connections} requests in flight for warm-up plus duration, each sent when one is answered. */
  Future<Void> runClosed(Vertx vertx, int connections, Duration warmUp, Duration duration,
                         LongFunction<Future<Outcome>> request) {
    this.model = Model.CLOSED;
    this.connections = connections;
    Promise<Void> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(started -> {
      List<Long> timers = start(vertx, warmUp, duration);
      long endNanos = startedNanos + warmUp.toNanos() + duration.toNanos();
      long[] next = {0};
      int[] running = {connections};
      for (int c = 0; c < connections; c++) {
        new Runnable() {
          @Override
          public void run() {
            long now = System.nanoTime();
            if (now >= endNanos) {
              if (--running[0] == 0) {
                finish(vertx, timers);
                done.tryComplete();
              }
              return;
            }
            long sequence = next[0]++;
            if (windowOpen && firstMeasured == Long.MAX_VALUE) {
              firstMeasured = sequence;
            }
            Future<Outcome> answered = send(sequence, now, request);
            if (answered.isComplete()) {
              context.runOnContext(again -> run());  // answered at once: do not recurse
            } else {
              answered.onComplete(again -> run());
            }
          }
        }.run();
      }
    });
    return done.future();
  }

  private List<Long> start(Vertx vertx, Duration warmUp, Duration duration) {
    startedNanos = System.nanoTime();
    measuredNanos = duration.toNanos();
    List<Long> timers = new ArrayList<>();
    if (!progressInterval.isZero()) {
      timers.add(vertx.setPeriodic(progressInterval.toMillis(), id -> System.out.println(progress())));
    }
    Runnable open = () -> {
      windowStart = CpuSample.take();
      windowStartMillis = System.currentTimeMillis();
      windowOpen = true;
    };
    if (warmUp.isZero()) {
      open.run();
    } else {
      timers.add(vertx.setTimer(warmUp.toMillis(), id -> open.run()));
    }
    timers.add(vertx.setTimer(Math.max(1, warmUp.toMillis() + duration.toMillis()), id -> closeWindow()));
    return timers;
  }

  private void closeWindow() {
    if (windowOpen) {
      windowOpen = false;
      windowEnd = CpuSample.take();
      windowEndMillis = System.currentTimeMillis();
    }
  }

  private void finish(Vertx vertx, List<Long> timers) {
    timers.forEach(vertx::cancelTimer);
    closeWindow();
  }

  /** Sends one request; its outcome is recorded before any listener added to the returned future runs. */
  private Future<Outcome> send(long sequence, long intendedNanos, LongFunction<Future<Outcome>> request) {
    boolean measured = measured(sequence);
    offered++;
    Future<Outcome> outcome;
    try {
      outcome = request.apply(sequence);
    } catch (RuntimeException e) {
      outcome = Future.succeededFuture(new Outcome(false, e.getClass().getSimpleName()));
    }
    return outcome.onComplete(result -> record(measured, intendedNanos, result.succeeded() ? result.result()
        : new Outcome(false, result.cause().getClass().getSimpleName())));
  }

  private void record(boolean measured, long intendedNanos, Outcome result) {
    long latency = Math.min(MAX_MICROS, Math.max(0, (System.nanoTime() - intendedNanos) / 1_000));
    int index = (int) ((intendedNanos - startedNanos) / 1_000_000_000L);
    while (seconds.size() <= index) {
      seconds.add(new Second());
    }
    Second second = seconds.get(index);
    second.offered++;
    if (windowOpen) {
      windowAnswered++;
    }
    if (result.accepted()) {
      accepted++;
      progressMicros.recordValue(latency);
      second.accepted++;
      second.latency.recordValue(latency);
      if (measured) {
        measuredAccepted++;
        latencyMicros.recordValue(latency);
      }
    } else {
      second.errors++;
      errors++;
      errorsByCode.merge(result.errorCode(), 1L, Long::sum);
    }
  }

  /** "accept 10 s: offered 10,000 (1,000/s), accepted 9,990, errors 2, p99 so far 8.6 ms". */
  String progress() {
    double elapsed = (System.nanoTime() - startedNanos) / 1e9;
    double perSecond = model == Model.OPEN ? rate : offered / Math.max(elapsed, 1e-3);
    return String.format(Locale.ROOT, "%s %d s: offered %,d (%,.0f/s), accepted %,d, errors %,d, p99 so far %.1f ms",
        name, (long) elapsed, offered, perSecond, accepted, errors,
        progressMicros.getTotalCount() == 0 ? 0.0 : progressMicros.getValueAtPercentile(99) / 1000.0);
  }
}
