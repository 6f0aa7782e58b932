package io.walletplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.http.ProblemHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #30: when the issuer cannot read its revocation list (the client store is down), it must not
 * serve an empty list as if nobody were revoked: {@code /oauth/revoked} answers 503, and the
 * processes that poll it keep the list they have.
 */
class RevocationListTest {

  @TempDir
  Path keys;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void anIssuerThatCannotReadItsRevocationListAnswers503InsteadOfAnEmptyList() throws Exception {
    // A client store nobody listens for: every read fails at once (connection refused).
    Pool unreachable = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(1)
        .setDatabase("auth").setUser("nobody")).using(vertx).build();
    Authentication authentication = await(Authentication.start(vertx,
        AuthSettings.from(Config.of(Map.of("AUTH_DEV_KEY_DIR", keys.toString()))), unreachable));
    Router router = Router.router(vertx);
    authentication.mountIssuer(router);
    router.route().failureHandler(new ProblemHandler());
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));

    HttpResponse<?> answer = await(WebClient.create(vertx).get(server.actualPort(), "127.0.0.1", "/oauth/revoked").send());

    assertEquals(503, answer.statusCode(), answer.bodyAsString());
    assertEquals("application/problem+json", answer.getHeader("content-type"));
    assertEquals("5", answer.getHeader("Retry-After"));
  }
}
