package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The deployment under test, reached over HTTP only: the tool works against any deployment. */
final class Api {

  private final Vertx vertx;
  private final WebClient client;
  private final long timeoutMs;
  private final int retries;
  private final String authorization;

  Api(Vertx vertx, URI base, int connections, long timeoutMs) {
    this(vertx, base, connections, timeoutMs, 0);
  }

  /** @param retries how often a write that got no answer, a 5xx or a 409 in progress is sent again, with the same key */
  Api(Vertx vertx, URI base, int connections, long timeoutMs, int retries) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.retries = retries;
    this.authorization = null;
    this.client = WebClient.create(vertx, new WebClientOptions()
            .setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort() > 0 ? base.getPort() : 80)
            .setKeepAlive(true)
            .setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  private Api(Api base, String token) {
    this.vertx = base.vertx;
    this.client = base.client;
    this.timeoutMs = base.timeoutMs;
    this.retries = base.retries;
    this.authorization = "Bearer " + token;
  }

  /** The same deployment and connections, every request carrying this principal's token. */
  Api as(LoadPrincipals.Principal principal) {
    return new Api(this, principal.token());
  }

  WebClient client() {
    return client;
  }

  private io.vertx.ext.web.client.HttpRequest<Buffer> authorized(io.vertx.ext.web.client.HttpRequest<Buffer> request) {
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request.timeout(timeoutMs);
  }

  Future<HttpResponse<Buffer>> post(String path, String json) {
    return authorized(client.post(path)).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json));
  }

  Future<HttpResponse<Buffer>> post(String path, String json, String idempotencyKey) {
    return authorized(client.post(path)).putHeader("content-type", "application/json")
        .putHeader("Idempotency-Key", idempotencyKey).sendBuffer(Buffer.buffer(json));
  }

  /**
   * Sends the write, and again (the same request: the same operationId or Idempotency-Key) while it
   * gets no answer, a 5xx or a 409 IDEMPOTENCY_KEY_IN_PROGRESS, up to {@code retries} more times:
   * what a careful client does when a service dies under it. The last outcome is returned.
   */
  Future<HttpResponse<Buffer>> retrying(java.util.function.Supplier<Future<HttpResponse<Buffer>>> send) {
    return retrying(send, 0);
  }

  private Future<HttpResponse<Buffer>> retrying(java.util.function.Supplier<Future<HttpResponse<Buffer>>> send,
                                                int attempt) {
    return send.get().transform(outcome -> {
      boolean again = attempt < retries && (outcome.failed() || outcome.result().statusCode() >= 500
          || (outcome.result().statusCode() == 409 && "IDEMPOTENCY_KEY_IN_PROGRESS".equals(errorCode(outcome.result()))));
      if (!again) {
        return (Future<HttpResponse<Buffer>>) outcome;
      }
      return vertx.timer(Math.min(2_000, 200L * (attempt + 1))).compose(ignored -> retrying(send, attempt + 1));
    });
  }

  Future<HttpResponse<Buffer>> get(String path) {
    return authorized(client.get(path)).send();
  }

  /** Every item of a paged list, oldest first (the API lists newest first). */
  Future<List<JsonObject>> all(String path) {
    return page(path, null, new ArrayList<>()).map(items -> {
      java.util.Collections.reverse(items);
      return items;
    });
  }

  private Future<List<JsonObject>> page(String path, String cursor, List<JsonObject> items) {
    String separator = path.contains("?") ? "&" : "?";
    return get(path + separator + "limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).compose(response -> {
      if (response.statusCode() != 200) {
        return Future.failedFuture("GET " + path + " answered " + response.statusCode() + ": " + response.bodyAsString());
      }
      JsonObject body = response.bodyAsJsonObject();
      JsonArray page = body.getJsonArray("items");
      page.forEach(item -> items.add((JsonObject) item));
      String next = body.getString("nextCursor");
      return next == null ? Future.succeededFuture(items) : page(path, next, items);
    });
  }

  /** The problem code of an error response, or the status when the body is not a problem. */
  static String errorCode(HttpResponse<Buffer> response) {
    try {
      String code = response.bodyAsJsonObject().getString("code");
      return code != null ? code : "HTTP_" + response.statusCode();
    } catch (RuntimeException notJson) {
      return "HTTP_" + response.statusCode();
    }
  }

  /** A JSON amount (text as the server wrote it) in minor units. */
  static long minor(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null ? 0 : new BigDecimal(value.toString()).movePointRight(2).longValueExact();
  }

  static String amount(long minor) {
    return BigDecimal.valueOf(minor, 2).toPlainString();
  }
}
