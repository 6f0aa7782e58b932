package io.walletplatform.common.http;

import io.walletplatform.common.errors.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The HTTP layer's own refusals, written as problems like every other error: a request target whose
 * percent-encoding is malformed (or decodes to invalid UTF-8 or NUL) is a 400 naming the path or the
 * query, before any route decodes it; and the requests Netty rejects before Vert.x sees them
 * (headers over the limit, a request line too long, garbage) get a problem+json body instead of an
 * empty one.
 */
public final class RequestTargets {

  private RequestTargets() {
  }

  /** The first handler of a router: fails malformed percent-encoding with a 400 problem. */
  public static void requireWellFormed(RoutingContext ctx) {
    ProblemException malformed = malformed(ctx.request().uri());
    if (malformed != null) {
      ctx.fail(malformed);
      return;
    }
    ctx.next();
  }

  /**
   * For {@code Router.errorHandler(400, …)} of every router: a router that fails to decode the path
   * or the query while matching routes (before any handler runs) answers a problem, not plain text.
   */
  public static void rejectUndecodable(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ProblemException malformed = malformed(ctx.request().uri());
    ProblemHandler.write(ctx, malformed != null ? malformed : new ProblemException(400, "MALFORMED_REQUEST",
        "Malformed request", "the request could not be read", List.of(), Map.of()));
  }

  private static ProblemException malformed(String uri) {
    int query = uri.indexOf('?');
    if (!decodes(query < 0 ? uri : uri.substring(0, query))) {
      return ProblemException.validation("path", "has malformed percent-encoding");
    }
    if (query >= 0 && !decodes(uri.substring(query + 1))) {
      return ProblemException.validation("query", "has malformed percent-encoding");
    }
    return null;
  }

  /** True when every {@code %} is followed by two hex digits and the bytes decode as UTF-8 without NUL. */
  static boolean decodes(String text) {
    if (text.indexOf('%') < 0) {
      return text.indexOf('\0') < 0;
    }
    ByteBuffer bytes = ByteBuffer.allocate(text.length() * 4);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          return false;
        }
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return false;
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      String decoded = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes).toString();
      return decoded.indexOf('\0') < 0;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** For {@code HttpServer.invalidRequestHandler}: what Netty could not decode, answered as a problem. */
  public static void rejectInvalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    ProblemException problem;
    if (message.startsWith("HTTP header is larger than")) {
      problem = new ProblemException(431, "HEADERS_TOO_LARGE", "Request header fields too large",
          "request headers are limited to 8 KiB", List.of(), Map.of());
    } else if (message.startsWith("An HTTP line is larger than")) {
      problem = new ProblemException(414, "URI_TOO_LONG", "URI too long", "the request line is limited to 4 KiB",
          List.of(), Map.of());
    } else {
      problem = new ProblemException(400, "MALFORMED_REQUEST", "Malformed request", "the request could not be read",
          List.of(), Map.of());
    }
    JsonObject body = ProblemHandler.body(problem, null);
    request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, ProblemHandler.CONTENT_TYPE)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body.encode())
        .onComplete(done -> request.connection().close());
  }
}
