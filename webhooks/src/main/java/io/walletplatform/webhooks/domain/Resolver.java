package io.walletplatform.webhooks.domain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.util.List;

/**
 * Resolves a target's host on a worker thread (the JDK resolver blocks; it caches answers for
 * {@code networkaddress.cache.ttl}) and checks every address against the {@link TargetPolicy}: the
 * first address is the one to connect to; one refused address refuses the host.
 */
public final class Resolver {

  /** Why the host cannot be a target (unresolvable, or an address refused). */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final TargetPolicy policy;

  public Resolver(Vertx vertx, TargetPolicy policy) {
    this.vertx = vertx;
    this.policy = policy;
  }

  public Future<InetAddress> resolve(String host) {
    String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return vertx.executeBlocking(() -> {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(name);
      } catch (java.net.UnknownHostException e) {
        throw new Refused(host + " does not resolve");
      }
      for (InetAddress address : List.of(addresses)) {
        String refusal = policy.refusal(address);
        if (refusal != null) {
          throw new Refused(host + " resolves to " + refusal + "; deliveries go to public addresses only");
        }
      }
      return addresses[0];
    }, false);
  }
}
