package io.walletplatform.common.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.walletplatform.common.util.VertxLocal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The consumers of one process, for {@code /health/ready}: ready once every consumer has joined
 * its group (its first assignment arrived, possibly empty when there are more consumers than
 * partitions) and none holds a record unapplied for longer than the stall bound. A rebalance
 * later does not take the process out of rotation; a consumer that stops applying does.
 */
public final class ConsumerReadiness implements Shareable {

  /** How long a record may wait unapplied before the consumer counts as stuck. */
  public static final Duration STALL_BOUND = Duration.ofSeconds(120);

  /** One consumer: whether it has joined, and the age of its oldest unapplied record (0: none). */
  public interface Member {
    String name();

    boolean joined();

    long oldestUnappliedAgeMs();
  }

  private final List<Member> members = new CopyOnWriteArrayList<>();

  public static ConsumerReadiness of(Vertx vertx) {
    return VertxLocal.get(vertx, "consumers", ConsumerReadiness::new);
  }

  public void add(Member member) {
    members.add(member);
  }

  public void remove(Member member) {
    members.remove(member);
  }

  /** The check {@code consumers}: UP with no consumers (an API-only process), or when every one is joined and moving. */
  public HealthCheck check() {
    return HealthCheck.inProcess("consumers", () -> {
      List<String> problems = new ArrayList<>();
      for (Member member : members) {
        if (!member.joined()) {
          problems.add(member.name() + " has no partition assignment yet");
        } else if (member.oldestUnappliedAgeMs() > STALL_BOUND.toMillis()) {
          problems.add(member.name() + " has held a record unapplied for " + member.oldestUnappliedAgeMs() / 1000 + " s");
        }
      }
      return problems.isEmpty() ? Future.succeededFuture() : Future.failedFuture(String.join("; ", problems));
    });
  }

  /** A member from its parts. */
  public static Member member(String name, java.util.function.BooleanSupplier joined, LongSupplier oldestAgeMs) {
    return new Member() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean joined() {
        return joined.getAsBoolean();
      }

      @Override
      public long oldestUnappliedAgeMs() {
        return oldestAgeMs.getAsLong();
      }
    };
  }
}
