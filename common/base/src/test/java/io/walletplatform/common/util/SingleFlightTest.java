package io.walletplatform.common.util;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SingleFlightTest {

  /** Passes that end when the test says so; the value each asks for is the next of {@code again}. */
  private static final class Passes {
    final List<Promise<Boolean>> started = new ArrayList<>();

    Future<Boolean> next() {
      Promise<Boolean> pass = Promise.promise();
      started.add(pass);
      return pass.future();
    }
  }

  @Test
  void wakeUpsDuringAPassBringExactlyOneMore() {
    Passes passes = new Passes();
    SingleFlight flight = new SingleFlight(passes::next);
    flight.wake();
    assertEquals(1, passes.started.size());
    assertTrue(flight.running());
    flight.wake();
    flight.wake();
    flight.wake();
    assertEquals(1, passes.started.size(), "never two at once");
    passes.started.get(0).complete(false);
    assertEquals(2, passes.started.size(), "the wake-ups during the first pass bring one more");
    passes.started.get(1).complete(false);
    assertEquals(2, passes.started.size(), "and only one");
    assertFalse(flight.running());
    flight.wake();
    assertEquals(3, passes.started.size(), "idle: a wake-up runs at once");
  }

  @Test
  void aPassAsksForTheNextAndAFailureEndsItLikeASuccess() {
    Passes passes = new Passes();
    SingleFlight flight = new SingleFlight(passes::next);
    flight.wake();
    passes.started.get(0).complete(true);
    assertEquals(2, passes.started.size(), "true: another at once");
    passes.started.get(1).fail("the database is down");
    assertFalse(flight.running(), "a failed pass ends the flight until the next wake-up");
    flight.wake();
    assertEquals(3, passes.started.size());
  }

  @Test
  void aPassThatThrowsDoesNotWedgeIt() {
    int[] calls = {0};
    SingleFlight flight = new SingleFlight(() -> {
      calls[0]++;
      throw new IllegalStateException("bug");
    });
    flight.wake();
    flight.wake();
    assertEquals(2, calls[0]);
    assertFalse(flight.running());
  }

  @Test
  void stopWaitsForTheRunningPassAndStartsNoOther() {
    Passes passes = new Passes();
    SingleFlight flight = new SingleFlight(passes::next);
    flight.wake();
    flight.wake();
    Future<Void> stopped = flight.stop();
    assertFalse(stopped.isComplete(), "the running pass has not ended");
    passes.started.get(0).complete(true);
    assertTrue(stopped.succeeded());
    flight.wake();
    assertEquals(1, passes.started.size(), "nothing after stop, neither the wake-up before it nor the pass's own ask");
    assertTrue(new SingleFlight(passes::next).stop().succeeded(), "an idle flight stops at once");
  }
}
