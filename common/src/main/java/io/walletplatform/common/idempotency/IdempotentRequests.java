package io.walletplatform.common.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.http.ProblemException;
import io.walletplatform.common.json.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code Idempotency-Key} handling. The key is claimed with an insert in the same transaction as
 * the request's effect, and the response is stored there too: the effect and its replay record
 * commit together. A concurrent request with the same key waits on the uncommitted claim and then
 * replays the stored response (or, past the lock timeout, gets 409). The same key with a different
 * request gets 422. Failed requests store nothing, so they can be retried with the same key.
 */
public final class IdempotentRequests {

  /** A response as it is stored and replayed. */
  public record StoredResponse(int status, String body) {
  }

  private static final String CLAIM = """
      INSERT INTO idempotency_keys (scope, idempotency_key, request_hash) VALUES ($1, $2, $3)
      ON CONFLICT (scope, idempotency_key) DO NOTHING""";
  private static final String STORE = """
      UPDATE idempotency_keys SET response_status = $3, response_body = $4
       WHERE scope = $1 AND idempotency_key = $2""";
  private static final String FIND = """
      SELECT request_hash, response_status, response_body FROM idempotency_keys
       WHERE scope = $1 AND idempotency_key = $2""";

  private final Pool pool;

  public IdempotentRequests(Pool pool) {
    this.pool = pool;
  }

  /** Canonical fingerprint of a request: the scope and the body with object keys sorted. */
  public static String fingerprint(String scope, JsonNode body) {
    try {
      byte[] canonical = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsBytes(Json.MAPPER.treeToValue(body, Object.class));
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(scope.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      return HexFormat.of().formatHex(digest.digest(canonical));
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      throw new IllegalStateException("cannot fingerprint a request", e);
    }
  }

  /** Runs the action once per key; without a key, simply in a transaction. */
  public Future<StoredResponse> execute(String scope, String key, String fingerprint,
                                        Function<SqlConnection, Future<StoredResponse>> action) {
    if (key == null) {
      return pool.withTransaction(action::apply);
    }
    return pool.withTransaction(tx -> tx.query("SET LOCAL lock_timeout = '5s'").execute()
            .compose(ignored -> tx.preparedQuery(CLAIM).execute(Tuple.of(scope, key, fingerprint)))
            .compose(claim -> claim.rowCount() == 1
                ? action.apply(tx).compose(response -> tx.preparedQuery(STORE)
                    .execute(Tuple.of(scope, key, response.status(), response.body())).map(response))
                : replay(tx, scope, key, fingerprint)))
        .recover(error -> Future.failedFuture(error instanceof PgException pg && "55P03".equals(pg.getSqlState())
            ? inProgress()
            : error));
  }

  private static Future<StoredResponse> replay(SqlConnection tx, String scope, String key, String fingerprint) {
    return tx.preparedQuery(FIND).execute(Tuple.of(scope, key)).compose(rows -> {
      Row row = rows.iterator().next();
      if (!fingerprint.equals(row.getString("request_hash"))) {
        return Future.failedFuture(ProblemException.unprocessable("IDEMPOTENCY_KEY_REUSED",
            "this Idempotency-Key was used with a different request"));
      }
      Integer status = row.getInteger("response_status");
      if (status == null) {
        return Future.failedFuture(inProgress());
      }
      return Future.succeededFuture(new StoredResponse(status, row.getString("response_body")));
    });
  }

  private static ProblemException inProgress() {
    return new ProblemException(409, "IDEMPOTENCY_KEY_IN_PROGRESS", "Conflict",
        "a request with this Idempotency-Key is still being processed", List.of(), Map.of("Retry-After", "1"));
  }
}
