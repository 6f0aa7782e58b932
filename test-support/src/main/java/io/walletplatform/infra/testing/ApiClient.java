package io.walletplatform.infra.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A blocking HTTP client for tests, and the check every bad-input test makes of a problem response. */
public final class ApiClient {

  private final WebClient client;

  public ApiClient(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(64));
  }

  /** A client whose every request carries {@code Authorization: Bearer <token>}. */
  public ApiClient(Vertx vertx, int port, String token) {
    this.client = Tokens.bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(64)), token);
  }

  public WebClient web() {
    return client;
  }

  public HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }

  public HttpResponse<Buffer> post(String path, String json) {
    return Await.result(client.post(path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json)));
  }

  /** Fails unless the response is an RFC 9457 problem with this status and code, naming this field first (if given). */
  public static void assertProblem(HttpResponse<Buffer> response, int status, String code, String field) {
    String body = response.bodyAsString();
    check(response.statusCode() == status, "status " + response.statusCode() + ", expected " + status + ": " + body);
    check("application/problem+json".equals(response.getHeader("content-type")),
        "content-type " + response.getHeader("content-type") + ": " + body);
    JsonObject problem = response.bodyAsJsonObject();
    check(code.equals(problem.getString("code")), "code " + problem.getString("code") + ", expected " + code + ": " + body);
    check(Integer.valueOf(status).equals(problem.getInteger("status")), "status member: " + body);
    check(problem.getString("type") != null && problem.getString("title") != null, "type and title: " + body);
    if (field != null) {
      JsonArray errors = problem.getJsonArray("errors");
      check(errors != null && !errors.isEmpty() && field.equals(errors.getJsonObject(0).getString("field")),
          "first error field, expected " + field + ": " + body);
    }
  }

  /** Fails unless every response is a 503 SERVICE_UNAVAILABLE problem with a Retry-After header. */
  public static void assertUnavailable(java.util.List<HttpResponse<Buffer>> responses) {
    for (HttpResponse<Buffer> response : responses) {
      assertProblem(response, 503, "SERVICE_UNAVAILABLE", null);
      check(response.getHeader("Retry-After") != null, "Retry-After on " + response.bodyAsString());
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
