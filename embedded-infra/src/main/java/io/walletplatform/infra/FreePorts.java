package io.walletplatform.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that bind a moment after the port is chosen. They are taken below Linux's
 * ephemeral range (32768–60999): a port from that range, free when chosen, may be taken as the
 * source port of some outgoing connection before the server binds it.
 */
public final class FreePorts {

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;

  private FreePorts() {
  }

  public static int pick() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between " + LOW + " and " + HIGH);
  }
}
