package io.walletplatform.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;

/**
 * A benchmark helper, not a test double: an HTTP server that reads each request whole and answers
 * {@code 202} with a small JSON body, at a few microseconds per request. Driving it with the load
 * tester's {@code http} scenario and with {@code wrk} shows what each generator costs by itself
 * (docs/benchmarks.md). {@code java -cp load-tester.jar io.walletplatform.load.NullServer [port] [event loops]}
 */
public final class NullServer {

  private NullServer() {
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18999;
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    Buffer body = Buffer.buffer("{\"status\":\"ACCEPTED\"}");
    CharSequence length = HttpHeaders.createOptimized(Integer.toString(body.length()));
    CharSequence json = HttpHeaders.createOptimized("application/json");
    for (int i = 0; i < loops; i++) {
      vertx.createHttpServer(new HttpServerOptions().setPort(port).setTcpNoDelay(true))
          .requestHandler(request -> request.end().onComplete(ignored -> request.response().setStatusCode(202)
              .putHeader(HttpHeaders.CONTENT_TYPE, json).putHeader(HttpHeaders.CONTENT_LENGTH, length).end(body)))
          .listen().onSuccess(server -> System.out.println("null server on port " + server.actualPort()));
    }
  }
}
