package io.walletplatform.common.http;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * The request timeout without a timer per request: a request whose answer has not begun by the
 * timeout gets 503. Every request of a router shares one timeout, so on one event loop they fall due
 * in the order they came: each waits in a list of its event loop (unlinked when it ends, so the list
 * holds only the requests in flight) and one timer per event loop, armed for the oldest one's
 * deadline, answers those due and re-arms for the next. Before, each request set and cancelled a
 * Vert.x timer (a timer map entry, a scheduled task, two lambdas): 1.3 % of the hot wallet's CPU
 * samples and 1.5 % of its allocation, about halved by this (issue #33, docs/profiles/).
 *
 * <p>An answer that has begun (a statement streamed for longer) is not cut: it is bounded by the
 * connection's idle timeout instead, so a stalled stream is closed and a flowing one finishes.
 * Each event loop's list is touched only by that loop.
 */
public final class RequestDeadlines {

  private final Vertx vertx;
  private final long timeoutNanos;
  private final FastThreadLocal<Loop> loops = new FastThreadLocal<>() {
    @Override
    protected Loop initialValue() {
      return new Loop();
    }
  };

  public RequestDeadlines(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeoutNanos = timeout.toNanos();
  }

  /** The route handler: enlists the request and passes it on. */
  public void handle(RoutingContext ctx) {
    ctx.addEndHandler(loops.get().add(ctx, System.nanoTime() + timeoutNanos));
    ctx.next();
  }

  /** A request in flight, linked in its loop's list, oldest first; its own end handler (it leaves the list). */
  private static final class Entry implements Handler<AsyncResult<Void>> {
    final Loop loop;
    final RoutingContext ctx;
    final long deadlineNanos;
    Entry previous;
    Entry next;
    boolean linked = true;

    Entry(Loop loop, RoutingContext ctx, long deadlineNanos) {
      this.loop = loop;
      this.ctx = ctx;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void handle(AsyncResult<Void> ended) {
      loop.remove(this);
    }
  }

  /** One event loop's requests in flight, and its one timer (armed while any is). */
  private final class Loop {
    Entry oldest;
    Entry newest;
    long timerId = -1;

    Entry add(RoutingContext ctx, long deadlineNanos) {
      Entry entry = new Entry(this, ctx, deadlineNanos);
      if (newest == null) {
        oldest = entry;
      } else {
        newest.next = entry;
        entry.previous = newest;
      }
      newest = entry;
      if (timerId < 0) {
        arm(deadlineNanos);
      }
      return entry;
    }

    void remove(Entry entry) {
      if (!entry.linked) {
        return;
      }
      entry.linked = false;
      if (entry.previous == null) {
        oldest = entry.next;
      } else {
        entry.previous.next = entry.next;
      }
      if (entry.next == null) {
        newest = entry.previous;
      } else {
        entry.next.previous = entry.previous;
      }
      entry.previous = null;
      entry.next = null;
    }

    private void arm(long deadlineNanos) {
      long delayMs = Math.max(1, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
      timerId = vertx.setTimer(delayMs, fired -> expire());
    }

    /** Answers every request due, then waits for the next one's deadline (if any is in flight). */
    private void expire() {
      timerId = -1;
      long now = System.nanoTime();
      while (oldest != null && oldest.deadlineNanos - now <= 0) {
        Entry due = oldest;
        remove(due);
        timedOut(due.ctx);
      }
      if (oldest != null) {
        arm(oldest.deadlineNanos);
      }
    }
  }

  private static void timedOut(RoutingContext ctx) {
    if (ctx.response().headWritten() || ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
    ctx.fail(503);
  }
}
