package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * An open-model load: requests start on a fixed schedule whether or not earlier ones have
 * finished, and each one's latency is measured from the time it was <em>meant</em> to start, so a
 * stall shows up in full instead of silently slowing the generator (no coordinated omission).
 * The warm-up is sent but not measured. Every {@code progressInterval} it prints a line: requests
 * offered and answered so far, errors, and the p99 of the answered ones so far.
 */
final class OpenLoop {

  private final String name;
  private final Duration progressInterval;
  private final Histogram progressMicros = new Histogram(TimeUnit.MINUTES.toMicros(5), 2);
  private long errors;

  /** @param progressInterval zero prints nothing */
  OpenLoop(String name, Duration progressInterval) {
    this.name = name;
    this.progressInterval = progressInterval;
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
    final Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
  }

  final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
  final Map<Long, Second> seconds = new TreeMap<>();
  final Map<String, Long> errorsByCode = new TreeMap<>();
  long offered;
  long accepted;
  long measuredAccepted;
  long startedNanos;
  long measuredNanos;
  private long warmUpCount;

  /** Whether the request with this sequence number falls in the measured part of the run (not the warm-up). */
  boolean measured(long sequence) {
    return sequence >= warmUpCount;
  }

  /**
   * Runs {@code rate} requests per second for warm-up plus duration. {@code request} gets the
   * request's sequence number and must complete with its outcome.
   */
  Future<Void> run(Vertx vertx, double rate, Duration warmUp, Duration duration, LongFunction<Future<Outcome>> request) {
    Promise<Void> done = Promise.promise();
    long intervalNanos = (long) (1_000_000_000L / rate);
    long total = (long) (rate * (warmUp.toMillis() + duration.toMillis()) / 1000.0);
    warmUpCount = (long) (rate * warmUp.toMillis() / 1000.0);
    startedNanos = System.nanoTime();
    measuredNanos = duration.toNanos();
    long[] next = {0};
    long[] finished = {0};
    List<Long> timers = new ArrayList<>();
    if (!progressInterval.isZero()) {
      timers.add(vertx.setPeriodic(progressInterval.toMillis(), id -> System.out.println(progress(rate))));
    }
    timers.add(vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (next[0] < total && startedNanos + next[0] * intervalNanos <= now) {
        long sequence = next[0]++;
        long intended = startedNanos + sequence * intervalNanos;
        boolean measured = measured(sequence);
        offered++;
        Future<Outcome> outcome;
        try {
          outcome = request.apply(sequence);
        } catch (RuntimeException e) {
          outcome = Future.succeededFuture(new Outcome(false, e.getClass().getSimpleName()));
        }
        outcome.otherwise(error -> new Outcome(false, error.getClass().getSimpleName())).onSuccess(result -> {
          long latency = Math.max(0, (System.nanoTime() - intended) / 1_000);
          Second second = seconds.computeIfAbsent((intended - startedNanos) / 1_000_000_000L, s -> new Second());
          second.offered++;
          if (result.accepted()) {
            accepted++;
            progressMicros.recordValue(Math.min(latency, progressMicros.getHighestTrackableValue()));
            second.accepted++;
            if (measured) {
              measuredAccepted++;
              latencyMicros.recordValue(Math.min(latency, latencyMicros.getHighestTrackableValue()));
            }
            second.latency.recordValue(Math.min(latency, second.latency.getHighestTrackableValue()));
          } else {
            second.errors++;
            errors++;
            errorsByCode.merge(result.errorCode(), 1L, Long::sum);
          }
          if (++finished[0] == total) {
            timers.forEach(vertx::cancelTimer);
            done.tryComplete();
          }
        });
      }
    }));
    return done.future();
  }

  /** "accept 10 s: offered 10,000 (1,000/s), accepted 9,990, errors 2, p99 so far 8.6 ms". */
  String progress(double rate) {
    long elapsed = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    return String.format(java.util.Locale.ROOT, "%s %d s: offered %,d (%,.0f/s), accepted %,d, errors %,d, p99 so far %.1f ms",
        name, elapsed, offered, rate, accepted, errors,
        progressMicros.getTotalCount() == 0 ? 0.0 : progressMicros.getValueAtPercentile(99) / 1000.0);
  }
}
