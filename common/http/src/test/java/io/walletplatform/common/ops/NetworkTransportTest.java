package io.walletplatform.common.ops;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.tracing.Tracing;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code NETWORK_TRANSPORT}: what it accepts, what it picks, and a request served over each transport it can pick. */
class NetworkTransportTest {

  private static NetworkTransport of(String value) {
    return NetworkTransport.from(Config.of(value == null ? Map.of() : Map.of("NETWORK_TRANSPORT", value)));
  }

  @Test
  void theSettingIsAutoByDefaultAndAnythingElseIsRefusedNamingTheValues() {
    assertEquals(NetworkTransport.AUTO, of(null));
    assertEquals(NetworkTransport.IO_URING, of("io_uring"));
    assertEquals(NetworkTransport.NIO, of("NIO"));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> of("epoll"));
    assertEquals("NETWORK_TRANSPORT must be auto, io_uring or nio, got epoll", refused.getMessage());
  }

  @Test
  void autoTakesIoUringWhereTheKernelOffersItAndAnUnavailableIoUringIsRefusedWithItsCause() {
    assertEquals(Transport.NIO, NetworkTransport.NIO.resolve());
    if (Transport.IO_URING.available()) {
      assertEquals(Transport.IO_URING, NetworkTransport.AUTO.resolve());
      assertEquals(Transport.IO_URING, NetworkTransport.IO_URING.resolve());
    } else {
      assertEquals(Transport.NIO, NetworkTransport.AUTO.resolve());
      IllegalStateException refused = assertThrows(IllegalStateException.class, NetworkTransport.IO_URING::resolve);
      assertTrue(refused.getMessage().startsWith("NETWORK_TRANSPORT=io_uring, but io_uring is unavailable here"),
          refused.getMessage());
    }
  }

  @Test
  void aRequestAndItsAnswerCrossEachTransportThatCanBePicked() throws Exception {
    for (NetworkTransport setting : NetworkTransport.values()) {
      Transport transport;
      try {
        transport = setting.resolve();
      } catch (IllegalStateException unavailable) {
        continue;  // io_uring where the kernel refuses it: the test above checks the refusal
      }
      ServiceRuntime runtime = ServiceRuntime.create(Tracing.OFF, transport);
      Vertx vertx = runtime.vertx();
      try {
        assertEquals(transport.implementation().getClass(), ((VertxInternal) vertx).transport().getClass(), setting.name());
        HttpServer server = vertx.createHttpServer()
            .requestHandler(request -> request.body().onSuccess(body -> request.response().end("echo " + body)))
            .listen(0).await(10, TimeUnit.SECONDS);
        io.vertx.core.http.HttpClient client = vertx.createHttpClient();
        String answer = client
            .request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/")
            .compose(request -> request.send(Buffer.buffer("x".repeat(100_000))))
            .compose(response -> response.body())
            .map(Buffer::toString)
            .await(10, TimeUnit.SECONDS);
        assertEquals("echo " + "x".repeat(100_000), answer, setting.name());
        client.close().await(10, TimeUnit.SECONDS);
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
