package io.walletplatform.wallet;

import io.walletplatform.common.wallet.OperationStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.auth.DevIssuer;
import io.walletplatform.common.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Runs the wallet hot path through the process's own HTTP server before it reports ready, so that
 * the first seconds of real traffic do not pay for class loading, the JIT's compilations and cold
 * pools (issue #22: accept p99 of 560–650 ms in the first seconds after {@code /health} turned UP,
 * against ~25 ms warm, while C2 compiled the hot methods under the load).
 *
 * <p>Real requests through the real code: operation submits (DEPOSIT and WITHDRAW of 0.01,
 * alternating), wallet reads and operation reads, over {@link Settings#connections} connections,
 * with tokens of the development issuer for the principals {@value #PRINCIPAL_PREFIX}0…: a
 * {@code sub} that no client can be issued (registered and shared-secret clients are UUIDs, the
 * admin is a configured UUID), so their wallets belong to no principal, appear in no one's list
 * and in no load tester's audit; an admin reads them as any wallet. Each principal keeps one wallet
 * across restarts (its id is derived from the principal; if another principal holds that id, a
 * new id is generated). The operations go through Kafka and the worker like any other, so the
 * worker's batch path warms too.
 *
 * <p>Three phases, all within one bound (issue #35: a warm-up that waited for the JIT to settle held
 * readiness for 90 s after every start, and a restart after a crash must be ready within 30 s):
 * submit {@link Settings#operations} operations and keep the load on until the JIT has settled (less
 * than {@value #SETTLED_COMPILE_MS} ms of compilation per second over the last five seconds of CPU on
 * the compiler threads), for two thirds of the bound at most; then, with the load off, let the compiler
 * finish what the load queued and, when asked, wait until the last operation of every wallet has an
 * outcome, until the bound. The bound is {@link Settings#maxDuration}, cut short so that the warm-up
 * ends {@link Settings#readyBy} after the process started, whatever the JIT does: a start that was
 * slow to reach the warm-up warms less, and one that reached it too late skips it. Warm-up runs only
 * with the development issuer (it mints its own tokens); with an external one it is skipped and logged.
 */
public final class WarmUp {

  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

  /** The warm-up principals' {@code sub}, followed by their index. */
  public static final String PRINCIPAL_PREFIX = "platform:warm-up:";
  private static final int WALLETS = 8;
  private static final long SETTLED_COMPILE_MS = 50;
  private static final long SAMPLE_MS = 500;
  /** USER_HZ: Linux reports thread times in these on every architecture. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;
  private static final Duration SETTLE_WINDOW = Duration.ofSeconds(5);
  /** A bound shorter than this warms nothing worth having: the warm-up is skipped. */
  private static final Duration SHORTEST_USEFUL = Duration.ofSeconds(1);
  /** Drained: a second without load in which the compiler threads stayed under the settled rate. */
  private static final Duration DRAIN_WINDOW = Duration.ofSeconds(1);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final int PROGRESS_EVERY_SAMPLES = 10;
  private static final String SUBMIT_PATH = "/api/v1/wallet";
  private static final java.math.BigDecimal CENT = new java.math.BigDecimal("0.01");

  /**
   * @param maxDuration the bound on the whole warm-up ({@code WARMUP_MAX_MS}, 0 turns it off)
   * @param readyBy     how long after the process started the warm-up ends at the latest
   *                    ({@code WARMUP_READY_BY_MS}; 0: only {@code maxDuration} bounds it)
   * @param operations  the operations to submit before waiting for the JIT ({@code WARMUP_OPERATIONS})
   * @param connections concurrent requests ({@code WARMUP_CONNECTIONS})
   */
  public record Settings(Duration maxDuration, Duration readyBy, int operations, int connections) {

    /** Bounded by {@code maxDuration} alone. */
    public Settings(Duration maxDuration, int operations, int connections) {
      this(maxDuration, Duration.ZERO, operations, connections);
    }

    public static Settings from(Config config) {
      return new Settings(config.getMillis("WARMUP_MAX_MS", 20_000, 0, 600_000),
          config.getMillis("WARMUP_READY_BY_MS", 25_000, 0, 600_000),
          config.getInt("WARMUP_OPERATIONS", 20_000, 0, 10_000_000),
          config.getInt("WARMUP_CONNECTIONS", 16, 1, 256));
    }

    public boolean enabled() {
      return !maxDuration.isZero() && operations > 0;
    }

    /** The warm-up's bound for a process that has been up {@code uptime}: never past {@link #readyBy}. */
    public Duration boundAfter(Duration uptime) {
      if (readyBy.isZero()) {
        return maxDuration;
      }
      Duration left = readyBy.minus(uptime);
      return left.compareTo(maxDuration) < 0 ? left : maxDuration;
    }
  }

  /** What the warm-up did: answers by status, how long it took, and why it stopped. */
  public record Result(Map<Integer, Long> answersByStatus, long submitted, Duration took, String stoppedBecause) {
  }

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final DevIssuer issuer;
  private final Settings settings;
  private final Duration bound;
  private final boolean awaitOutcomes;
  private final Map<Integer, Long> answers = new TreeMap<>();
  private final List<Wallet> wallets = new ArrayList<>();
  private HttpClient client;
  private long startedAt;
  private long deadline;
  private long loadDeadline;
  private long submitted;
  private long samples;
  private boolean loadOn = true;

  private record Wallet(String token, UUID walletId, UUID[] lastOperation) {
  }

  private WarmUp(Vertx vertx, String host, int port, DevIssuer issuer, Settings settings, Duration bound,
                 boolean awaitOutcomes) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.issuer = issuer;
    this.settings = settings;
    this.bound = bound;
    this.awaitOutcomes = awaitOutcomes;
  }

  /**
   * Warms the wallet API served on {@code host:port} (a wildcard address means this host's loopback). Never fails: whatever goes wrong
   * ends the warm-up early (logged), and the process becomes ready all the same.
   *
   * @param issuer        the development issuer, or {@code null} (then nothing is done)
   * @param awaitOutcomes whether to wait for the worker to apply the last operations (a process
   *                      that runs the worker)
   */
  public static Future<Result> run(Vertx vertx, String host, int port, DevIssuer issuer, Settings settings,
                                   boolean awaitOutcomes) {
    if (!settings.enabled()) {
      return Future.succeededFuture(new Result(Map.of(), 0, Duration.ZERO, "turned off (WARMUP_MAX_MS=0)"));
    }
    if (issuer == null) {
      log.info("warm-up skipped: tokens come from an external issuer, and the warm-up mints its own");
      return Future.succeededFuture(new Result(Map.of(), 0, Duration.ZERO, "external issuer"));
    }
    Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
    Duration bound = settings.boundAfter(uptime);
    if (bound.compareTo(SHORTEST_USEFUL) < 0) {
      log.info("warm-up skipped: the process has been up {} ms, and it is to be ready {} ms after its start "
          + "(WARMUP_READY_BY_MS)", uptime.toMillis(), settings.readyBy().toMillis());
      return Future.succeededFuture(new Result(Map.of(), 0, Duration.ZERO, "no time was left before WARMUP_READY_BY_MS"));
    }
    log.info("warm-up: at most {} ms (the process has been up {} ms)", bound.toMillis(), uptime.toMillis());
    Promise<Result> done = Promise.promise();
    // On a context of its own, so that its counters are only touched from one thread.
    String target = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
    vertx.runOnContext(ignored -> new WarmUp(vertx, target, port, issuer, settings, bound, awaitOutcomes).start(done));
    return done.future().onSuccess(result -> log.info("warm-up: {} operations submitted, answers by status {}, "
        + "{} ms; stopped because {}", result.submitted(), result.answersByStatus(), result.took().toMillis(),
        result.stoppedBecause()));
  }

  private void start(Promise<Result> done) {
    startedAt = System.nanoTime();
    deadline = startedAt + bound.toNanos();
    // The last third without load: the compiler finishes what the load queued, the worker its last batches.
    loadDeadline = startedAt + bound.toNanos() * 2 / 3;
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(settings.connections()));
    // The bound holds whatever is still in flight (a request may wait REQUEST_TIMEOUT_MS): ready at the deadline.
    vertx.setTimer(Math.max(1, bound.toMillis()), timer -> finish(done, "the time bound was reached"));
    List<Future<Wallet>> opened = new ArrayList<>();
    for (int i = 0; i < WALLETS; i++) {
      opened.add(openWallet(PRINCIPAL_PREFIX + i));
    }
    Future.all(opened)
        .compose(all -> {
          opened.forEach(wallet -> wallets.add(wallet.result()));
          return load();
        })
        // The compilations the load queued finish on idle cores, while the worker applies the last operations.
        .compose(phase -> Future.all(drainCompiler(), awaitOutcomes ? awaitOutcomes() : Future.succeededFuture(""))
            .map(both -> phase + "; " + both.<String>resultAt(0) + (awaitOutcomes ? "; " + both.<String>resultAt(1) : "")))
        .recover(error -> Future.succeededFuture("of an error: " + error.getMessage()))
        .onComplete(reason -> finish(done, reason.result()));
  }

  private void finish(Promise<Result> done, String reason) {
    if (done.future().isComplete()) {
      return;
    }
    loadOn = false;
    client.close();
    done.complete(new Result(Map.copyOf(answers), submitted, Duration.ofNanos(System.nanoTime() - startedAt), reason));
  }

  /** The principal's wallet: the one derived from its name, or, when another principal holds that id, a new one. */
  private Future<Wallet> openWallet(String principal) {
    String token = issuer.issue(principal, Set.of("wallets", "funding"));
    UUID derived = UUID.nameUUIDFromBytes(principal.getBytes(StandardCharsets.UTF_8));
    return send(HttpMethod.POST, "/api/v1/wallets", token, new JsonObject().put("walletId", derived.toString()).toBuffer())
        .compose(created -> {
          if (created.status == 201) {
            return Future.succeededFuture(derived);
          }
          return send(HttpMethod.GET, "/api/v1/wallets/" + derived, token, null).compose(read -> read.status == 200
              ? Future.succeededFuture(derived)
              : send(HttpMethod.POST, "/api/v1/wallets", token, Buffer.buffer("{}")).compose(fresh -> fresh.status == 201
                  ? Future.succeededFuture(UUID.fromString(new JsonObject(fresh.body).getString("walletId")))
                  : Future.failedFuture("cannot create a warm-up wallet: " + fresh.status)));
        })
        .map(walletId -> new Wallet(token, walletId, new UUID[1]));
  }

  /** Phases one and two; the result says why the load stopped. */
  private Future<String> load() {
    Promise<String> stopped = Promise.promise();
    int chains = settings.connections();
    int[] running = {chains};
    for (int chain = 0; chain < chains; chain++) {
      Wallet wallet = wallets.get(chain % wallets.size());
      chain(wallet, chain, () -> {
        if (--running[0] == 0) {
          stopped.tryComplete(System.nanoTime() >= loadDeadline ? "the load's share of the bound was used" : "the JIT settled");
        }
      });
    }
    // The JIT has settled once it compiled for less than SETTLED_COMPILE_MS per second over the
    // whole of the last SETTLE_WINDOW: one quiet half second between two bursts is not enough.
    watchCompiler(SETTLE_WINDOW, perSecond -> {
      long now = System.nanoTime();
      if (++samples % PROGRESS_EVERY_SAMPLES == 0) {
        log.info("warm-up: {} operations submitted in {} s, JIT compiling {} ms/s", submitted,
            TimeUnit.NANOSECONDS.toSeconds(now - startedAt), perSecond);
      }
      boolean settled = submitted >= settings.operations() && perSecond >= 0 && perSecond < SETTLED_COMPILE_MS;
      if (now >= loadDeadline || settled || !loadOn) {
        loadOn = false;
        return true;
      }
      return false;
    });
    return stopped.future();
  }

  /**
   * Every {@value #SAMPLE_MS} ms, gives {@code check} the CPU the compiler threads used per second
   * over the last {@code window} ({@code -1} until that much has been sampled), until it answers
   * true. The samples are read off the event loop ({@link #compilerMillis()} reads files).
   */
  private void watchCompiler(Duration window, LongPredicate check) {
    ArrayDeque<long[]> taken = new ArrayDeque<>();
    vertx.setPeriodic(SAMPLE_MS, timer -> vertx.executeBlocking(WarmUp::compilerMillis, false).onSuccess(compileMs -> {
      long now = System.nanoTime();
      taken.addLast(new long[] {now, compileMs});
      while (now - taken.peekFirst()[0] > window.toNanos()) {
        taken.removeFirst();
      }
      long[] oldest = taken.peekFirst();
      boolean full = now - oldest[0] >= window.toNanos() - TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS);
      // A compiler thread that ended took its CPU time with it: never below zero.
      long perSecond = full ? Math.max(0, compileMs - oldest[1]) * 1_000_000_000L / Math.max(1, now - oldest[0]) : -1;
      if (check.test(perSecond)) {
        vertx.cancelTimer(timer);
      }
    }));
  }

  /**
   * CPU milliseconds the JIT's compiler threads have used: their {@code /proc/self/task/*} times on
   * Linux. Not {@link CompilationMXBean#getTotalCompilationTime()}: that is elapsed time, which the
   * warm-up's own load stretches (a compiler thread waiting for a core counts as compiling), so
   * under load it never looks settled. Elsewhere it falls back to that figure.
   */
  private static long compilerMillis() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        try {
          if (Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
            String stat = Files.readString(thread.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException | RuntimeException ended) {
          // The thread ended between the listing and the read.
        }
      }
    } catch (IOException e) {
      return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }
    return ticks * 1_000 / CLOCK_TICKS_PER_SECOND;
  }

  /** One connection's loop: six submits, a wallet read, an operation read, again, until the load stops. */
  private void chain(Wallet wallet, long step, Runnable finished) {
    if (!loadOn) {
      finished.run();
      return;
    }
    Future<Answer> request;
    switch ((int) (step % 8)) {
      case 6 -> request = send(HttpMethod.GET, "/api/v1/wallets/" + wallet.walletId(), wallet.token(), null);
      case 7 -> request = wallet.lastOperation()[0] == null
          ? send(HttpMethod.GET, "/api/v1/wallets/" + wallet.walletId(), wallet.token(), null)
          : send(HttpMethod.GET, "/api/v1/wallets/" + wallet.walletId() + "/operations/" + wallet.lastOperation()[0],
              wallet.token(), null);
      default -> {
        UUID operationId = UUID.randomUUID();
        JsonObject body = new JsonObject().put("operationId", operationId.toString())
            .put("walletId", wallet.walletId().toString())
            .put("operationType", step % 2 == 0 ? "DEPOSIT" : "WITHDRAW")
            .put("amount", CENT);
        submitted++;
        request = send(HttpMethod.POST, SUBMIT_PATH, wallet.token(), body.toBuffer()).onSuccess(answer -> {
          if (answer.status == 202 || answer.status == 200) {
            wallet.lastOperation()[0] = operationId;
          }
        });
      }
    }
    request.onComplete(ignored -> chain(wallet, step + 1, finished));
  }

  /**
   * Phase three: with the load off, the compilations it queued run on otherwise idle cores (a
   * single C2 compilation took 2–5 s on a busy two-core machine); done once the compiler threads
   * used under {@value #SETTLED_COMPILE_MS} ms/s over {@link #DRAIN_WINDOW}, or at the deadline.
   */
  private Future<String> drainCompiler() {
    Promise<String> drained = Promise.promise();
    long began = System.nanoTime();
    watchCompiler(DRAIN_WINDOW, perSecond -> {
      if (perSecond >= 0 && perSecond < SETTLED_COMPILE_MS) {
        return drained.tryComplete("the compiler queue drained");
      }
      long now = System.nanoTime();
      return now >= deadline && drained.tryComplete("the compiler was still busy after "
          + TimeUnit.NANOSECONDS.toMillis(now - began) + " ms without load");
    });
    return drained.future();
  }

  /** Phase three, beside the drain: the last accepted operation of every wallet has left PENDING (or the time is up). */
  private Future<String> awaitOutcomes() {
    Promise<String> settled = Promise.promise();
    pollOutcomes(settled);
    return settled.future();
  }

  private void pollOutcomes(Promise<String> settled) {
    List<Future<Boolean>> outcomes = new ArrayList<>();
    for (Wallet wallet : wallets) {
      UUID last = wallet.lastOperation()[0];
      outcomes.add(last == null ? Future.succeededFuture(true)
          : send(HttpMethod.GET, "/api/v1/wallets/" + wallet.walletId() + "/operations/" + last, wallet.token(), null)
              .map(answer -> answer.status == 200 && !OperationStatus.PENDING.name().equals(new JsonObject(answer.body).getString("status"))));
    }
    Future.join(outcomes).onComplete(ignored -> {
      if (outcomes.stream().allMatch(result -> result.succeeded() && result.result())) {
        settled.complete("every wallet's last operation has an outcome");
      } else if (System.nanoTime() >= deadline) {
        settled.complete("the time bound was reached before the worker applied the last operations");
      } else {
        vertx.setTimer(100, timer -> pollOutcomes(settled));
      }
    });
  }

  private record Answer(int status, Buffer body) {
  }

  private Future<Answer> send(HttpMethod method, String path, String token, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).setTimeout(REQUEST_TIMEOUT_MS)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), bytes)))
        .onSuccess(answer -> answers.merge(answer.status, 1L, Long::sum));
  }
}
