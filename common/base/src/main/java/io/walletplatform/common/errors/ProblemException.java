package io.walletplatform.common.errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An expected outcome that the client must hear about as an RFC 9457 problem: bad input, a missing
 * resource, a conflict, a dependency that is down. Thrown or failed with anywhere below a handler
 * and written once, by {@link io.walletplatform.common.http.ProblemHandler}.
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String code;
  private final String title;
  private final List<FieldError> errors;
  private final Map<String, String> headers;
  private final Map<String, String> extensions;

  public ProblemException(int status, String code, String title, String detail, List<FieldError> errors,
                          Map<String, String> headers) {
    this(status, code, title, detail, errors, headers, Map.of());
  }

  private ProblemException(int status, String code, String title, String detail, List<FieldError> errors,
                           Map<String, String> headers, Map<String, String> extensions) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
    this.extensions = Map.copyOf(extensions);
  }

  /** The same problem with an extension member (RFC 9457 §3.2) in its body, such as the operationId to retry with. */
  public ProblemException with(String member, String value) {
    Map<String, String> more = new LinkedHashMap<>(extensions);
    more.put(member, value);
    return new ProblemException(status, code, title, getMessage(), errors, headers, more);
  }

  public static ProblemException validation(List<FieldError> errors) {
    FieldError first = errors.get(0);
    return new ProblemException(400, "VALIDATION_FAILED", "Request validation failed",
        first.field() + " " + first.message(), errors, Map.of());
  }

  public static ProblemException validation(String field, String message) {
    return validation(List.of(new FieldError(field, message)));
  }

  public static ProblemException notFound(String code, String detail) {
    return new ProblemException(404, code, "Resource not found", detail, List.of(), Map.of());
  }

  public static ProblemException conflict(String code, String detail) {
    return new ProblemException(409, code, "Conflict", detail, List.of(), Map.of());
  }

  public static ProblemException unprocessable(String code, String detail) {
    return unprocessable(code, detail, List.of());
  }

  /** 422 naming the fields at fault in its {@code errors}. */
  public static ProblemException unprocessable(String code, String detail, List<FieldError> errors) {
    return new ProblemException(422, code, "Request cannot be processed", detail, errors, Map.of());
  }

  /** 401 UNAUTHENTICATED; {@code challenge} is its WWW-Authenticate value, {@code null} when already set on the response. */
  public static ProblemException unauthenticated(String detail, String challenge) {
    return new ProblemException(401, "UNAUTHENTICATED", "Unauthenticated", detail, List.of(),
        challenge == null ? Map.of() : Map.of("WWW-Authenticate", challenge));
  }

  public static ProblemException forbidden(String detail) {
    return new ProblemException(403, "FORBIDDEN", "Forbidden", detail, List.of(), Map.of());
  }

  public static ProblemException rateLimited(String detail, long retryAfterSeconds) {
    return new ProblemException(429, "RATE_LIMITED", "Too many requests", detail, List.of(),
        Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  public static ProblemException unavailable(String detail, int retryAfterSeconds) {
    return new ProblemException(503, "SERVICE_UNAVAILABLE", "Service unavailable", detail, List.of(),
        Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public Map<String, String> extensions() {
    return extensions;
  }
}
