package io.walletplatform.infra.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.faults.Faults;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Faults that hold a process at named points: with {@code FAULT_HOLD_AT} naming a point
 * (comma-separated for several), the first time the code reaches it it prints
 * {@code FAULT POINT <name> REACHED} on standard output and never goes on, so a test can SIGKILL the
 * process at exactly that point (say, between a database commit and the cache refresh). Only a
 * test's own main class builds these; production mains pass {@link Faults#NONE} and never read
 * {@code FAULT_HOLD_AT}, so no configuration can hang a deployed process.
 */
public final class HoldingFaults implements Faults {

  public static final String HOLD_AT = "FAULT_HOLD_AT";

  private final Set<String> holdAt;

  private HoldingFaults(Set<String> holdAt) {
    this.holdAt = holdAt;
  }

  public static HoldingFaults from(Config config) {
    return new HoldingFaults(config.find(HOLD_AT).stream()
        .flatMap(names -> Arrays.stream(names.split(",")))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toUnmodifiableSet()));
  }

  /** Completes at once, unless this point is to hold: then it never completes. */
  @Override
  public Future<Void> reach(String point) {
    if (!holdAt.contains(point)) {
      return Future.succeededFuture();
    }
    System.out.println("FAULT POINT " + point + " REACHED");
    System.out.flush();
    return Promise.<Void>promise().future();
  }
}
