package io.walletplatform.infra;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortsTest {

  /** Kafka's listener and controller ports are picked one after the other and bound later: never the same. */
  @Test
  void aPortIsNeverHandedOutTwice() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      int port = FreePorts.pick();
      assertTrue(seen.add(port), "port " + port + " handed out twice");
      assertTrue(port >= 20_000 && port < 32_000, "below the ephemeral range: " + port);
    }
  }
}
