package io.walletplatform.common.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code Idempotency-Key} on every POST of every API: one mechanism, mounted by
 * {@link io.walletplatform.common.ops.ApiContract} ahead of each POST operation's handler, with its
 * records in the service's own database ({@code idempotency_keys}).
 *
 * <p>A request with a key first <em>claims</em> it (its scope is the principal and the operation, so two
 * principals never share a key), in a statement of its own, with a lease. Then:
 * <ul>
 *   <li>a successful (2xx) answer is stored before it is written, and replayed, status, {@code Location}
 *       and body, with {@code Idempotency-Replayed: true}, to every retry with the same key and the same
 *       request (method, path and body, JSON compared with its members sorted) for {@code ttl};</li>
 *   <li>an error answer releases the claim: a failed request changed nothing and may be retried;</li>
 *   <li>the same key with another request is 422 {@code IDEMPOTENCY_KEY_REUSED}; a retry while the first
 *       holds the claim is 409 {@code IDEMPOTENCY_KEY_IN_PROGRESS} with {@code Retry-After}.</li>
 * </ul>
 * A handler whose effect is one database transaction stores the answer in that transaction
 * ({@link Claim#record}): the effect and its replay record commit together, and a claim lost meanwhile
 * rolls the effect back. Other handlers (an operation sent to Kafka) are stored after their effect; a
 * process killed between the two leaves the claim until its lease ends, and the rerun a retry then gets
 * finds the first one's effect, because the resource's id is derived from the key
 * ({@link Claim#idFor}) where the client did not choose one.
 */
public final class IdempotencyKeys {

  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED = "Idempotency-Replayed";
  /** The answer's headers a replay repeats (its content type is always JSON). */
  private static final List<String> STORED_HEADERS = List.of("Location", "Cache-Control");
  private static final String CLAIM_KEY = Claim.class.getName();
  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

  private static final String CLAIM = """
      INSERT INTO idempotency_keys AS k (scope, idempotency_key, request_hash, claim_token, claimed_until)
      VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
      ON CONFLICT (scope, idempotency_key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, claim_token = EXCLUDED.claim_token,
             claimed_until = EXCLUDED.claimed_until,
             created_at = CASE WHEN k.created_at < now() - make_interval(secs => $6) THEN now() ELSE k.created_at END,
             response_status = NULL, response_headers = NULL, response_body = NULL
       WHERE k.created_at < now() - make_interval(secs => $6)
          OR (k.response_status IS NULL AND k.request_hash = EXCLUDED.request_hash
              AND coalesce(k.claimed_until, k.created_at) < now())
      RETURNING (extract(epoch FROM k.created_at) * 1000000)::bigint AS generation""";
  private static final String FIND = """
      SELECT request_hash, response_status, response_headers, response_body FROM idempotency_keys
       WHERE scope = $1 AND idempotency_key = $2""";
  private static final String STORE = """
      UPDATE idempotency_keys SET response_status = $4, response_headers = $5, response_body = $6, claimed_until = NULL
       WHERE scope = $1 AND idempotency_key = $2 AND claim_token = $3 AND response_status IS NULL""";
  private static final String RELEASE = """
      DELETE FROM idempotency_keys
       WHERE scope = $1 AND idempotency_key = $2 AND claim_token = $3 AND response_status IS NULL""";
  private static final String EXPIRE = """
      DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)""";

  /** How often expired records are deleted. */
  static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final Pool pool;
  /** How long an answer is replayed ({@code IDEMPOTENCY_TTL_HOURS}, at least 24 h). */
  private final Duration ttl;
  /**
   * How long a claim whose request has not answered keeps retries out (409); after it a retry runs
   * the request again (its first run's process died).
   */
  private final Duration lease;
  private final long expiryTimer;

  private IdempotencyKeys(Vertx vertx, Pool pool, HttpSettings http) {
    this.vertx = vertx;
    this.pool = pool;
    this.ttl = http.idempotencyTtl();
    this.lease = http.idempotencyLease();
    this.expiryTimer = vertx.setPeriodic(EXPIRY_INTERVAL.toMillis(), id -> pool.preparedQuery(EXPIRE)
        .execute(Tuple.of((double) ttl.toSeconds()))
        .onFailure(error -> log.warn("expiring Idempotency-Key records failed, retrying at the next interval: {}",
            error.toString())));
  }

  /** The keys of a service's database, whose expired records it deletes until {@link #close}. */
  public static IdempotencyKeys start(Vertx vertx, Pool pool, HttpSettings http) {
    return new IdempotencyKeys(vertx, pool, http);
  }

  /** Stops deleting expired records (the pool is the caller's to close). */
  public void close() {
    vertx.cancelTimer(expiryTimer);
  }

  /** The handler mounted before the POST operation {@code operationId}'s own. */
  public Handler<RoutingContext> handler(String operationId) {
    return ctx -> handle(ctx, operationId);
  }

  private void handle(RoutingContext ctx, String operationId) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null) {
      ctx.next();
      return;
    }
    if (key.isEmpty() || key.length() > 255 || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      ctx.fail(ProblemException.validation(HEADER, "must be 1 to 255 characters, none of them a control character"));
      return;
    }
    String scope = Principal.of(ctx).subject() + " " + operationId;
    String fingerprint = fingerprint(ctx.request().method().name(), ctx.request().path(), ctx.body().buffer());
    UUID token = UUID.randomUUID();
    pool.preparedQuery(CLAIM)
        .execute(Tuple.of(scope, key, fingerprint, token, (double) lease.toMillis() / 1000, (double) ttl.toSeconds()))
        .compose(claimed -> claimed.size() == 1
            ? Future.<Row>succeededFuture(claimed.iterator().next())
            : pool.preparedQuery(FIND).execute(Tuple.of(scope, key)).compose(found -> {
              if (found.size() == 0) {
                return Future.failedFuture(inProgress());
              }
              Row row = found.iterator().next();
              if (!fingerprint.equals(row.getString("request_hash"))) {
                return Future.failedFuture(ProblemException.unprocessable("IDEMPOTENCY_KEY_REUSED",
                    "this Idempotency-Key was used with a different request"));
              }
              return row.getInteger("response_status") == null ? Future.failedFuture(inProgress())
                  : Future.succeededFuture(row);
            }))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else if (done.result().getColumnIndex("generation") < 0) {
            replay(ctx, done.result());
          } else {
            Claim claim = new Claim(pool, scope, key, token, done.result().getLong("generation"));
            ctx.put(CLAIM_KEY, claim);
            Responses.beforeAnswer(ctx, claim::beforeAnswer);
            ctx.next();
          }
        });
  }

  private static void replay(RoutingContext ctx, Row stored) {
    JsonObject headers = stored.getJsonObject("response_headers");
    var response = ctx.response().setStatusCode(stored.getInteger("response_status"))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(REPLAYED, "true");
    if (headers != null) {
      headers.forEach(header -> response.putHeader(header.getKey(), String.valueOf(header.getValue())));
    }
    response.end(stored.getString("response_body"));
  }

  /** What identifies a request under its key: method, path and body (a JSON body with its members sorted). */
  public static String fingerprint(String method, String path, Buffer body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((method + " " + path).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(canonical(body));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }

  private static byte[] canonical(Buffer body) {
    if (body == null || body.length() == 0) {
      return new byte[0];
    }
    byte[] bytes = body.getBytes();
    try {
      StringBuilder out = new StringBuilder(bytes.length);
      canonical(Json.MAPPER.readTree(bytes), out);
      return out.toString().getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException notJson) {
      return bytes;
    }
  }

  /** JSON with object members sorted by name and numbers by value (10.0 and 10.00 are one amount). */
  private static void canonical(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      out.append('{');
      java.util.TreeMap<String, JsonNode> members = new java.util.TreeMap<>();
      node.fields().forEachRemaining(member -> members.put(member.getKey(), member.getValue()));
      members.forEach((name, value) -> {
        out.append(TextNode.valueOf(name)).append(':');
        canonical(value, out);
        out.append(',');
      });
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      node.forEach(element -> {
        canonical(element, out);
        out.append(',');
      });
      out.append(']');
    } else if (node.isNumber()) {
      java.math.BigDecimal value = node.decimalValue();
      out.append(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
    } else {
      out.append(node);
    }
  }

  private static ProblemException inProgress() {
    return new ProblemException(409, "IDEMPOTENCY_KEY_IN_PROGRESS", "Conflict",
        "a request with this Idempotency-Key is still being processed", List.of(), Map.of("Retry-After", "1"));
  }

  /** A key this request holds: its answer is stored (2xx) or the key released (anything else). */
  public static final class Claim {

    private final Pool pool;
    private final String scope;
    private final String key;
    private final UUID token;
    /** When this use of the key began: a rerun after a crash has the first run's, a reuse after expiry a new one. */
    private final long generation;
    private boolean recorded;

    private Claim(Pool pool, String scope, String key, UUID token, long generation) {
      this.pool = pool;
      this.generation = generation;
      this.scope = scope;
      this.key = key;
      this.token = token;
    }

    /** The request's claim, or null when it carries no key. */
    public static Claim of(RoutingContext ctx) {
      return ctx.get(CLAIM_KEY);
    }

    /**
     * The id of what the request creates: the one the client chose; else, under a key, one derived from
     * it, the same for every run under this use of the key (distinct per principal, operation and use),
     * so that a rerun after a crash finds the first run's effect instead of making a second one; else a
     * new random one.
     */
    public static UUID idFor(RoutingContext ctx, UUID chosen) {
      if (chosen != null) {
        return chosen;
      }
      Claim claim = of(ctx);
      return claim == null ? UUID.randomUUID() : UUID.nameUUIDFromBytes((claim.scope + "\n" + claim.key + "\n"
          + claim.generation).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Stores the answer (its status, the headers a replay repeats, its body) inside the transaction {@code tx} that makes the request's effect: both commit
     * or neither. Fails with IDEMPOTENCY_KEY_IN_PROGRESS (so the transaction rolls back) when the claim
     * was lost meanwhile: its lease ended and a retry took it over, or the request timed out.
     */
    public Future<Void> record(SqlClient tx, int status, Map<String, String> headers, JsonObject body) {
      return tx.preparedQuery(STORE)
          .execute(Tuple.of(scope, key, token, status, new JsonObject(new java.util.HashMap<>(headers)), body.encode()))
          .compose(updated -> {
            if (updated.rowCount() == 0) {
              return Future.failedFuture(inProgress());
            }
            recorded = true;
            return Future.succeededFuture();
          });
    }

    private Future<Void> beforeAnswer(int status, MultiMap headers, Buffer body) {
      if (status >= 200 && status < 300) {
        if (recorded) {
          return Future.succeededFuture();
        }
        JsonObject kept = new JsonObject();
        STORED_HEADERS.forEach(name -> {
          if (headers.contains(name)) {
            kept.put(name, headers.get(name));
          }
        });
        return pool.preparedQuery(STORE)
            .execute(Tuple.of(scope, key, token, status, kept, body == null ? "" : body.toString(StandardCharsets.UTF_8)))
            .<Void>mapEmpty()
            // The effect happened: its answer goes out even when it cannot be stored; a retry after the
            // lease runs the request again and finds the effect by its derived id.
            .recover(error -> {
              log.warn("could not store the answer of Idempotency-Key {} ({}): {}", key, scope, error.toString());
              return Future.succeededFuture();
            });
      }
      return pool.preparedQuery(RELEASE).execute(Tuple.of(scope, key, token)).<Void>mapEmpty()
          .recover(error -> {
            log.warn("could not release Idempotency-Key {} ({}): {}", key, scope, error.toString());
            return Future.succeededFuture();
          });
    }
  }
}
