package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The deployment under test, reached over HTTP only: the tool works against any deployment. The
 * writes of the load ({@link #write}) go through the bare HTTP client with their headers built once,
 * so that the generator costs little beside what it measures; set-up and audit reads use the web
 * client over the same connections.
 */
final class Api {

  /** A write's answer: its status and body (parsed only when the scenario needs it). */
  record Answer(int status, Buffer body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence IDEMPOTENCY_KEY = HttpHeaders.createOptimized("Idempotency-Key");

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final WebClient client;
  private final long timeoutMs;
  private final int retries;
  private final String authorization;
  private final MultiMap writeHeaders;
  /** Writes sent and not yet answered, over every principal's Api; touched on the load's context only. */
  private final int[] inFlight;
  private final int connections;

  /** @param retries how often a write that got no answer, a 5xx or a 409 in progress is sent again, with the same key */
  Vertx vertx() {
    return vertx;
  }

  Api(Vertx vertx, URI base, int connections, long timeoutMs, int retries) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.retries = retries;
    this.authorization = null;
    this.inFlight = new int[1];
    this.connections = connections;
    this.http = vertx.createHttpClient(new HttpClientOptions()
            .setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort() > 0 ? base.getPort() : 80)
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            // A connection carries one request at a time, so silence on it for this long is an unanswered
            // request: the connection closes and the request fails. One idle check per connection, not a
            // timer per request. The pool retires a connection idle for half that (and before a server's
            // own idle timeout of a few seconds or more), so the check never closes one the pool is
            // about to hand out.
            .setIdleTimeout((int) Math.max(1, timeoutMs))
            .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
            .setKeepAliveTimeout((int) Math.max(1, Math.min(timeoutMs / 2_000, 5))),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.client = WebClient.wrap(http, new WebClientOptions().setDefaultHost(base.getHost())
        .setDefaultPort(base.getPort() > 0 ? base.getPort() : 80));
    this.writeHeaders = headers(null);
  }

  private Api(Api base, String token) {
    this.vertx = base.vertx;
    this.client = base.client;
    this.timeoutMs = base.timeoutMs;
    this.retries = base.retries;
    this.http = base.http;
    this.inFlight = base.inFlight;
    this.connections = base.connections;
    this.authorization = "Bearer " + token;
    this.writeHeaders = headers(authorization);
  }

  private static MultiMap headers(String authorization) {
    MultiMap headers = HttpHeaders.headers().add(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
    if (authorization != null) {
      headers.add(HttpHeaders.AUTHORIZATION, HttpHeaders.createOptimized(authorization));
    }
    return headers;
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

  /** A set-up POST (creating a wallet or an account), through the web client. */
  Future<HttpResponse<Buffer>> post(String path, String json) {
    return authorized(client.post(path)).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json));
  }

  /**
   * A POST of the load, with retries as {@link #retrying} describes. {@code idempotencyKey} may be
   * null. The body of an answer with {@code expectedStatus} is read only when {@code needBody}; of
   * any other answer, always (it says why).
   */
  Future<Answer> write(String path, Buffer body, String idempotencyKey, int expectedStatus, boolean needBody) {
    return retrying(() -> send(HttpMethod.POST, path, body, idempotencyKey, expectedStatus, needBody), 0);
  }

  /**
   * One request through the bare client, no retry; {@code body} may be null (none sent). While every
   * connection is busy the request waits for one, at most the timeout (then it fails unsent, as a
   * timeout); the timer that bounds the wait is set only then, not for every request.
   */
  Future<Answer> send(HttpMethod method, String path, Buffer body, String idempotencyKey, int expectedStatus,
                      boolean needBody) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (inFlight[0] >= connections) {
      options.setConnectTimeout(timeoutMs);
    }
    inFlight[0]++;
    return http.request(options).compose(request -> {
      request.headers().addAll(writeHeaders);
      if (idempotencyKey != null) {
        request.putHeader(IDEMPOTENCY_KEY, idempotencyKey);
      }
      return body == null ? request.send() : request.send(body);
    }).compose(response -> response.statusCode() == expectedStatus && !needBody
        ? response.end().map(ignored -> new Answer(response.statusCode(), null))
        : response.body().map(answer -> new Answer(response.statusCode(), answer)))
        .onComplete(ignored -> inFlight[0]--);
  }

  /**
   * Sends the write, and again (the same request: the same operationId or Idempotency-Key) while it
   * gets no answer, a 5xx or a 409 IDEMPOTENCY_KEY_IN_PROGRESS, up to {@code retries} more times:
   * what a careful client does when a service dies under it. The last outcome is returned.
   */
  private Future<Answer> retrying(java.util.function.Supplier<Future<Answer>> send, int attempt) {
    Future<Answer> sent = send.get();
    if (retries == 0) {
      return sent;
    }
    return sent.transform(outcome -> {
      boolean again = attempt < retries && (outcome.failed() || outcome.result().status() >= 500
          || (outcome.result().status() == 409 && "IDEMPOTENCY_KEY_IN_PROGRESS".equals(errorCode(outcome.result()))));
      if (!again) {
        return (Future<Answer>) outcome;
      }
      return vertx.timer(Math.min(2_000, 200L * (attempt + 1))).compose(ignored -> retrying(send, attempt + 1));
    });
  }

  /**
   * A read of the audit or the settling, retried like a write (no answer or a 5xx, up to
   * {@code retries} more times): a read that lands on a service restarting under a fault is not a
   * finding, and a GET changes nothing.
   */
  Future<HttpResponse<Buffer>> get(String path) {
    return reading(path, 0);
  }

  private Future<HttpResponse<Buffer>> reading(String path, int attempt) {
    Future<HttpResponse<Buffer>> sent = authorized(client.get(path)).send();
    if (retries == 0) {
      return sent;
    }
    return sent.transform(outcome -> {
      if (attempt >= retries || outcome.succeeded() && outcome.result().statusCode() < 500) {
        return (Future<HttpResponse<Buffer>>) outcome;
      }
      return vertx.timer(Math.min(2_000, 200L * (attempt + 1))).compose(ignored -> reading(path, attempt + 1));
    });
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

  /** The problem code of an error answer, or the status when the body is not a problem. */
  static String errorCode(Answer answer) {
    try {
      String code = answer.json().getString("code");
      return code != null ? code : "HTTP_" + answer.status();
    } catch (RuntimeException notJson) {
      return "HTTP_" + answer.status();
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
