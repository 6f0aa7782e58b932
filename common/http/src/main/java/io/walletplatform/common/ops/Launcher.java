package io.walletplatform.common.ops;

import io.walletplatform.common.tracing.Tracing;
import io.vertx.core.Future;
import io.walletplatform.common.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * How every service process starts and stops. Start: tracing from the environment, a
 * {@link ServiceRuntime}, then the service's own start; a start that fails exits with
 * {@value #EXIT_START_FAILED}. Stop (SIGTERM, Ctrl-C): readiness fails at once
 * ({@code /health/ready} 503), the process keeps serving for {@code SHUTDOWN_GRACE_MS} (0 by
 * default; a Kubernetes deployment gives its load balancer a few seconds to notice), then Vert.x
 * closes: HTTP servers stop accepting and finish the requests in flight, consumers finish the
 * batch in flight and leave their groups (anything uncommitted is read again by the next owner),
 * relays finish their round, clients close. If that takes longer than {@code SHUTDOWN_TIMEOUT_MS}
 * (30 s, counted after the grace) the process halts with {@value #EXIT_SHUTDOWN_TIMED_OUT};
 * otherwise the JVM's own exit status stands (143 after SIGTERM, 130 after Ctrl-C).
 */
public final class Launcher {

  public static final int EXIT_START_FAILED = 1;
  public static final int EXIT_SHUTDOWN_TIMED_OUT = 2;

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);

  /** The bounds of a stop, and the sockets' transport ({@link NetworkTransport}). */
  public record Settings(Duration shutdownGrace, Duration shutdownTimeout, NetworkTransport transport) {
    public static Settings from(Config config) {
      return new Settings(config.getMillis("SHUTDOWN_GRACE_MS", 0, 0, 120_000),
          config.getMillis("SHUTDOWN_TIMEOUT_MS", 30_000, 1_000, 600_000), NetworkTransport.from(config));
    }
  }

  private Launcher() {
  }

  /**
   * Runs a service.
   *
   * @param start     deploys the service on the runtime; its result (where it listens, say) is logged
   * @param afterStop runs once Vert.x has closed (the platform stops its embedded servers there)
   */
  public static ServiceRuntime run(String name, Config config, Function<ServiceRuntime, Future<?>> start,
                                   Runnable afterStop) {
    Settings settings = Settings.from(config);
    Tracing tracing = Tracing.fromConfig(config, name);
    io.vertx.core.transport.Transport transport = settings.transport().resolve();
    ServiceRuntime runtime = ServiceRuntime.create(tracing, transport);
    log.info("{}: network transport {} (NETWORK_TRANSPORT={})", name, transport.name(),
        settings.transport().name().toLowerCase(java.util.Locale.ROOT));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(name, runtime, settings, afterStop), name + "-stop"));
    Future<?> started;
    try {
      started = start.apply(runtime);
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    started.onSuccess(detail -> log.info("{} ready{}{}", name, detail == null ? "" : ": ", detail == null ? "" : detail))
        .onFailure(error -> {
          log.error("{} failed to start", name, error);
          // Exit from a plain thread: the shutdown hook waits for the event loops this callback runs on.
          new Thread(() -> System.exit(EXIT_START_FAILED), name + "-exit").start();
        });
    return runtime;
  }

  public static ServiceRuntime run(String name, Config config, Function<ServiceRuntime, Future<?>> start) {
    return run(name, config, start, () -> { });
  }

  private static void stop(String name, ServiceRuntime runtime, Settings settings, Runnable afterStop) {
    long began = System.nanoTime();
    log.info("{} stopping: not ready from now, closing in {} ms, bounded by {} ms", name,
        settings.shutdownGrace().toMillis(), settings.shutdownTimeout().toMillis());
    runtime.readiness().draining();
    boolean timedOut = false;
    try {
      Thread.sleep(settings.shutdownGrace().toMillis());
      // The bound is on the drain, after the grace: grace plus timeout is the longest a stop takes.
      runtime.vertx().close().toCompletionStage().toCompletableFuture()
          .get(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      timedOut = true;
      log.error("{} did not stop within {} ms; halting", name, settings.shutdownTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("{} stopped with an error: {}", name, e.toString());
    }
    runtime.tracing().close();
    afterStop.run();
    log.info("{} stopped in {} ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    if (timedOut) {
      Runtime.getRuntime().halt(EXIT_SHUTDOWN_TIMED_OUT);
    }
  }
}
