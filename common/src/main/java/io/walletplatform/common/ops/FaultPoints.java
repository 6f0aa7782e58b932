package io.walletplatform.common.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.walletplatform.common.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Named places where the fault-injection tests stop a process: with {@code FAULT_HOLD_AT} naming a
 * point (comma-separated for several), the first time the code reaches it it prints
 * {@code FAULT POINT <name> REACHED} on standard output and never goes on, so a test can SIGKILL
 * the process at exactly that point (say, between a database commit and the cache refresh).
 * Production wiring never reads {@code FAULT_HOLD_AT} (its settings carry {@link #NONE}): only a
 * test's own main class builds points from it, so no configuration can hang a deployed process.
 */
public final class FaultPoints {

  public static final String HOLD_AT = "FAULT_HOLD_AT";
  public static final FaultPoints NONE = new FaultPoints(Set.of());

  private static final Logger log = LoggerFactory.getLogger(FaultPoints.class);

  private final Set<String> holdAt;

  private FaultPoints(Set<String> holdAt) {
    this.holdAt = holdAt;
  }

  public static FaultPoints from(Config config) {
    return config.find(HOLD_AT)
        .map(names -> new FaultPoints(Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty())
            .collect(Collectors.toUnmodifiableSet())))
        .orElse(NONE);
  }

  /** Completes at once, unless this point is to hold: then it never completes. */
  public Future<Void> reach(String name) {
    if (!holdAt.contains(name)) {
      return Future.succeededFuture();
    }
    log.warn("fault point {} reached: holding here until the process is killed", name);
    System.out.println("FAULT POINT " + name + " REACHED");
    System.out.flush();
    return Promise.<Void>promise().future();
  }
}
