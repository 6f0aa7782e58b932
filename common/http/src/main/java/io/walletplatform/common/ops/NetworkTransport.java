package io.walletplatform.common.ops;

import io.walletplatform.common.config.Config;
import io.vertx.core.transport.Transport;

import java.util.Locale;

/**
 * The sockets' transport under a process's Vert.x ({@code NETWORK_TRANSPORT}): HTTP, PostgreSQL and
 * Redis connections and the event loops that serve them (the Kafka clients and the embedded broker
 * keep their own Java NIO).
 *
 * <ul>
 *   <li>{@code auto} (the default): Linux's io_uring when the kernel offers it, Java NIO otherwise
 *       (io_uring disabled by {@code kernel.io_uring_disabled}, a seccomp profile refusing it, another
 *       operating system or CPU: the jar carries Netty's x86-64 Linux library only);</li>
 *   <li>{@code io_uring}: io_uring or no start at all;</li>
 *   <li>{@code nio}: Java NIO.</li>
 * </ul>
 *
 * <p>With io_uring an event loop submits the writes of every answer ready in one turn with one system
 * call instead of one {@code writev} per connection: on one hot wallet the platform's JVM spent ~11 %
 * less CPU per operation (docs/benchmarks.md, #33).
 */
public enum NetworkTransport {
  AUTO, IO_URING, NIO;

  public static NetworkTransport from(Config config) {
    String value = config.get("NETWORK_TRANSPORT", "auto");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "io_uring" -> IO_URING;
      case "nio" -> NIO;
      default -> throw new IllegalArgumentException("NETWORK_TRANSPORT must be auto, io_uring or nio, got " + value);
    };
  }

  /** The transport Vert.x is to use; {@code io_uring} where it is unavailable is refused, naming why. */
  public Transport resolve() {
    return switch (this) {
      case NIO -> Transport.NIO;
      case AUTO -> Transport.IO_URING.available() ? Transport.IO_URING : Transport.NIO;
      case IO_URING -> {
        if (!Transport.IO_URING.available()) {
          Throwable cause = Transport.IO_URING.unavailabilityCause();
          throw new IllegalStateException("NETWORK_TRANSPORT=io_uring, but io_uring is unavailable here: "
              + (cause == null ? "unknown cause" : cause.toString()), cause);
        }
        yield Transport.IO_URING;
      }
    };
  }
}
