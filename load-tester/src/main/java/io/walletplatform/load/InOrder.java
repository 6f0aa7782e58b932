package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.IntFunction;

/**
 * Runs {@code count} asynchronous steps one after another, stopping at the first failure. Not a
 * chain of {@code compose} built up front: a failure at the first of 1,000 chained stages unwinds
 * through all of them in one call stack (a StackOverflowError that left a run hanging); here a
 * failure completes the result at once.
 */
final class InOrder {

  private InOrder() {
  }

  static Future<Void> run(int count, IntFunction<Future<?>> step) {
    Promise<Void> done = Promise.promise();
    next(0, count, step, done);
    return done.future();
  }

  private static void next(int index, int count, IntFunction<Future<?>> step, Promise<Void> done) {
    if (index >= count) {
      done.complete();
      return;
    }
    Future<?> current;
    try {
      current = step.apply(index);
    } catch (RuntimeException e) {
      done.fail(e);
      return;
    }
    current.onComplete(result -> {
      if (result.failed()) {
        done.fail(result.cause());
      } else {
        next(index + 1, count, step, done);
      }
    });
  }
}
