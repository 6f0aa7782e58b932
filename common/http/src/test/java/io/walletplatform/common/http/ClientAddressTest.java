package io.walletplatform.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which address a per-address limit counts: the peer, or what a trusted proxy forwarded; IPv6 per /64. */
class ClientAddressTest {

  @Test
  void aRequestIsCountedUnderThePeerUnlessThePeerIsATrustedProxy() {
    Vertx vertx = Vertx.vertx();
    try {
      assertEquals("127.0.0.1", keyOf(vertx, ClientAddress.DIRECT, "203.0.113.5"), "no proxy trusted: the header is ignored");
      ClientAddress behindLoopback = ClientAddress.trusting("127.0.0.0/8, 10.1.0.0/16");
      assertEquals("127.0.0.1", keyOf(vertx, behindLoopback, null), "a trusted peer that forwarded nothing is itself");
      assertEquals("203.0.113.5", keyOf(vertx, behindLoopback, "203.0.113.5"));
      assertEquals("203.0.113.5", keyOf(vertx, behindLoopback, "198.51.100.1, 203.0.113.5, 10.1.2.3"),
          "read from the right, trusted proxies skipped, the client's own entries never believed");
      assertEquals("203.0.113.5", keyOf(vertx, behindLoopback, "203.0.113.5:4711"), "a port is dropped");
      assertEquals("2001:db8:1:2::/64", keyOf(vertx, behindLoopback, "[2001:db8:1:2:aaaa::1]:443"));
      assertEquals("10.1.2.3", keyOf(vertx, behindLoopback, "not-an-address, 10.1.2.3"),
          "an entry that is no address ends the walk at the last address read");
      assertEquals("127.0.0.1", keyOf(vertx, ClientAddress.trusting("10.0.0.0/8"), "203.0.113.5"),
          "a peer outside the trusted blocks is the client, whatever it forwards");
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void anIpv6ClientCountsAsItsSlash64() throws Exception {
    assertEquals("2001:db8:1:2::/64", ClientAddress.bucket(InetAddress.getByName("2001:db8:1:2:ffff:1:2:3")));
    assertEquals("2001:db8:1:2::/64", ClientAddress.bucket(InetAddress.getByName("2001:db8:1:2::9")));
    assertEquals("2001:db8:1:3::/64", ClientAddress.bucket(InetAddress.getByName("2001:db8:1:3::9")));
    assertEquals("192.0.2.1", ClientAddress.bucket(InetAddress.getByName("::ffff:192.0.2.1")), "IPv4-mapped is IPv4");
  }

  @Test
  void onlyLiteralAddressesAreParsedNeverNamesAndBadListsAreRefused() {
    assertNull(ClientAddress.literal("localhost"), "a name is never looked up");
    assertNull(ClientAddress.literal("1.2.3"));
    assertNull(ClientAddress.literal("example.com"));
    assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("proxy.internal"));
    assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("10.0.0.0/x"));
    assertEquals(ClientAddress.DIRECT, ClientAddress.trusting(" , "));
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String keyOf(Vertx vertx, ClientAddress clientAddress, String forwardedFor) {
    HttpServer server = await(vertx.createHttpServer()
        .requestHandler(request -> request.response().end(clientAddress.key(request))).listen(0, "127.0.0.1"));
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(server.actualPort()));
      var request = client.get("/");
      if (forwardedFor != null) {
        request.putHeader("X-Forwarded-For", forwardedFor);
      }
      return await(request.send()).bodyAsString();
    } finally {
      await(server.close());
    }
  }
}
