package io.walletplatform.common.errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An expected outcome of a domain operation that its caller must hear about (STYLE 11): a wallet that does
 * not exist, a second reversal, an amount finer than its asset, a dependency that is down. It says what
 * happened ({@link Kind}, a machine-readable code, a detail), never how a protocol shows it: the one
 * failure handler ({@code common.http.ProblemHandler}) maps the kind to an HTTP status and a problem+json
 * body. Domain code raises this; {@link ProblemException} belongs to the HTTP layer (a malformed request,
 * a token, a rate limit), and the architecture test keeps it out of every {@code domain} package.
 */
public final class DomainError extends RuntimeException {

  /** What kind of outcome it is; each maps to one HTTP status in one place. */
  public enum Kind {
    /** The input is wrong field by field (code {@code VALIDATION_FAILED}). */
    INVALID,
    /** The caller may not do this, whatever the input. */
    FORBIDDEN,
    NOT_FOUND,
    /** The state of the resource refuses it now (a limit reached, an id taken, already reversed). */
    CONFLICT,
    /** Well-formed but not acceptable (a reused idempotency key, an unknown asset, too many decimals). */
    UNPROCESSABLE,
    /** A dependency cannot answer now; the caller should retry after {@link #retryAfterSeconds()}. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String code;
  private final List<FieldError> errors;
  private final int retryAfterSeconds;
  private final Map<String, String> extensions;

  private DomainError(Kind kind, String code, String detail, List<FieldError> errors, int retryAfterSeconds,
                      Map<String, String> extensions) {
    super(detail, null, false, false);
    this.kind = kind;
    this.code = code;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
    this.extensions = Map.copyOf(extensions);
  }

  private static DomainError of(Kind kind, String code, String detail) {
    return new DomainError(kind, code, detail, List.of(), 0, Map.of());
  }

  public static DomainError invalid(String field, String message) {
    return new DomainError(Kind.INVALID, "VALIDATION_FAILED", field + " " + message,
        List.of(new FieldError(field, message)), 0, Map.of());
  }

  public static DomainError forbidden(String detail) {
    return of(Kind.FORBIDDEN, "FORBIDDEN", detail);
  }

  public static DomainError notFound(String code, String detail) {
    return of(Kind.NOT_FOUND, code, detail);
  }

  public static DomainError conflict(String code, String detail) {
    return of(Kind.CONFLICT, code, detail);
  }

  public static DomainError unprocessable(String code, String detail) {
    return of(Kind.UNPROCESSABLE, code, detail);
  }

  /** Unprocessable because of one field, named in the problem's {@code errors}. */
  public static DomainError unprocessable(String code, String detail, FieldError field) {
    return new DomainError(Kind.UNPROCESSABLE, code, detail, List.of(field), 0, Map.of());
  }

  public static DomainError unavailable(String detail, int retryAfterSeconds) {
    return new DomainError(Kind.UNAVAILABLE, "SERVICE_UNAVAILABLE", detail, List.of(), retryAfterSeconds, Map.of());
  }

  /** The same outcome with an extension member in its answer, such as the operationId to retry with. */
  public DomainError with(String member, String value) {
    Map<String, String> more = new LinkedHashMap<>(extensions);
    more.put(member, value);
    return new DomainError(kind, code, getMessage(), errors, retryAfterSeconds, more);
  }

  public boolean is(Kind other) {
    return kind == other;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Map<String, String> extensions() {
    return extensions;
  }
}
