package io.walletplatform.common.util;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.Supplier;

/**
 * One pass of a task at a time, on the context that owns it (not thread-safe: call it from that
 * context only). A wake-up while a pass runs is not lost: exactly one more pass follows it, however
 * many wake-ups came; a pass may ask for the next one itself (its future's {@code true}). After
 * {@link #stop()} nothing new starts, and the future of {@code stop} completes when the pass running
 * then has ended. A pass that fails or throws ends like one that succeeded (its owner logs the cause).
 * It replaces the hand-written "running / woken while running / stopping" flags of the loops that
 * drain a table (the outbox relay, the webhook dispatcher's claims, the hold expiry scan).
 */
public final class SingleFlight {

  private enum State {
    IDLE, RUNNING, RUNNING_AND_WOKEN, STOPPED
  }

  private final Supplier<Future<Boolean>> pass;
  private State state = State.IDLE;
  private Future<Void> current = Future.succeededFuture();

  /** @param pass one pass; its value {@code true} asks for another right after it */
  public SingleFlight(Supplier<Future<Boolean>> pass) {
    this.pass = pass;
  }

  /** Runs a pass now, or one more after the running one; nothing once stopped. */
  public void wake() {
    switch (state) {
      case IDLE -> run();
      case RUNNING -> state = State.RUNNING_AND_WOKEN;
      case RUNNING_AND_WOKEN, STOPPED -> {
      }
    }
  }

  /** Whether a pass is running now. */
  public boolean running() {
    return state == State.RUNNING || state == State.RUNNING_AND_WOKEN;
  }

  /** No pass starts any more; completes when the running one (if any) has ended. */
  public Future<Void> stop() {
    state = State.STOPPED;
    return current;
  }

  private void run() {
    state = State.RUNNING;
    Promise<Void> ended = Promise.promise();
    current = ended.future();
    Future<Boolean> running;
    try {
      running = pass.get();
    } catch (RuntimeException error) {
      running = Future.failedFuture(error);
    }
    running.onComplete(done -> {
      boolean again = state == State.RUNNING_AND_WOKEN || (done.succeeded() && Boolean.TRUE.equals(done.result()));
      if (state != State.STOPPED) {
        state = State.IDLE;
      }
      ended.complete();
      if (again) {
        wake();
      }
    });
  }
}
