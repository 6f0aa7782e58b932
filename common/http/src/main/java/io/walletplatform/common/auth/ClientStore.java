package io.walletplatform.common.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The development issuer's registered clients, in PostgreSQL (the {@code auth} database), so that
 * every process issuing tokens on that server knows every client. A secret is generated here (256
 * random bits), shown once, and kept only as HMAC-SHA-256 under the issuer's hashing key: a copy of
 * the table grants nothing, and checking a secret costs one MAC (a slow password hash adds nothing
 * to a 256-bit secret and would turn the token endpoint into a denial-of-service lever).
 */
public final class ClientStore {

  /** A client as registration answers it; {@code secret} is shown this once. */
  public record Registered(UUID clientId, String secret, String name, Set<String> scopes, OffsetDateTime createdAt) {
  }

  /** What a presented secret turned out to be. */
  public enum Check { VALID, WRONG, REVOKED }

  /** A check's outcome and, when valid, the scopes an admin granted the client. */
  public record Checked(Check check, Set<String> granted) {
  }

  /** What a self-registration may not exceed: {@code null} when the cap was reached. */
  private static final String REGISTER_CAPPED = "INSERT INTO oauth_clients (client_id, name, secret_hash, granted_scopes) "
      + "SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM oauth_clients WHERE revoked_at IS NULL) < $5 "
      + "RETURNING created_at";
  /** One registration at a time counts the clients (a transaction-scoped advisory lock, key "auth-reg"). */
  private static final long REGISTRATION_LOCK = 0x617574682d726567L;

  private static final SecureRandom RANDOM = new SecureRandom();
  /** What an unknown client's secret is compared with, so that it costs what a known one does. */
  private static final byte[] NOBODY = new byte[32];

  private final Pool pool;
  private final SecretKeySpec hashKey;

  public ClientStore(Pool pool, byte[] hashKey) {
    if (hashKey.length < 32) {
      throw new IllegalArgumentException("the hashing key must have at least 256 bits");
    }
    this.pool = pool;
    this.hashKey = new SecretKeySpec(hashKey, "HmacSHA256");
  }

  /**
   * A new client with a new secret and the scopes granted it, while fewer than {@code maxClients}
   * unrevoked clients exist; {@code null} once that many do.
   */
  public Future<Registered> register(String name, Set<String> scopes, int maxClients) {
    UUID clientId = UUID.randomUUID();
    String secret = newSecret();
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(REGISTRATION_LOCK))
        .compose(locked -> tx.preparedQuery(REGISTER_CAPPED)
            .execute(Tuple.of(clientId, name, Buffer.buffer(hash(secret)), scopes.toArray(String[]::new), maxClients))))
        .map(rows -> rows.rowCount() == 0 ? null
            : new Registered(clientId, secret, name, Set.copyOf(scopes), rows.iterator().next().getOffsetDateTime("created_at")));
  }

  /** Adds {@code scopes} to an unrevoked client's grants: its scopes after, or {@code null} when there is no such client. */
  public Future<Set<String>> grant(UUID clientId, Set<String> scopes) {
    return pool.preparedQuery("UPDATE oauth_clients SET granted_scopes = ARRAY(SELECT DISTINCT unnest(granted_scopes || $2) "
            + "ORDER BY 1) WHERE client_id = $1 AND revoked_at IS NULL RETURNING granted_scopes")
        .execute(Tuple.of(clientId, (Object) scopes.toArray(String[]::new)))
        .map(rows -> rows.rowCount() == 0 ? null
            : new java.util.TreeSet<>(java.util.List.of(rows.iterator().next().getArrayOfStrings("granted_scopes"))));
  }

  /** Whether {@code secret} is this client's (compared in constant time; an unknown client is {@code WRONG}). */
  public Future<Checked> check(UUID clientId, String secret) {
    byte[] presented = hash(secret);
    return pool.preparedQuery("SELECT secret_hash, revoked_at, granted_scopes FROM oauth_clients WHERE client_id = $1")
        .execute(Tuple.of(clientId))
        .map(rows -> {
          Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
          byte[] stored = row == null ? NOBODY : row.getBuffer("secret_hash").getBytes();
          boolean equal = MessageDigest.isEqual(stored, presented) && row != null;
          if (!equal) {
            return new Checked(Check.WRONG, Set.of());
          }
          return row.getValue("revoked_at") == null
              ? new Checked(Check.VALID, Set.of(row.getArrayOfStrings("granted_scopes")))
              : new Checked(Check.REVOKED, Set.of());
        });
  }

  /** Revokes the client; {@code false} when there is no such client (or it was revoked before). */
  public Future<Boolean> revoke(UUID clientId) {
    return pool.preparedQuery("UPDATE oauth_clients SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(clientId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Revokes one token by its {@code jti} until {@code expiresAt}; {@code false} when it was revoked before. */
  public Future<Boolean> revokeToken(String jti, String revokedBy, OffsetDateTime expiresAt) {
    return pool.preparedQuery("INSERT INTO oauth_revoked_tokens (jti, revoked_by, expires_at) VALUES ($1, $2, $3) "
            + "ON CONFLICT (jti) DO NOTHING")
        .execute(Tuple.of(jti, revokedBy, expiresAt))
        .map(rows -> rows.rowCount() == 1);
  }

  /** What verifiers must refuse: clients revoked within {@code window}, tokens revoked and not yet expired. */
  public Future<Revocations.Listed> revocations(Duration window) {
    return revokedWithin(window).compose(clients -> pool
        .preparedQuery("SELECT jti FROM oauth_revoked_tokens WHERE expires_at > now()").execute(Tuple.tuple())
        .map(rows -> {
          Set<String> tokens = new HashSet<>();
          rows.forEach(row -> tokens.add(row.getString("jti")));
          return new Revocations.Listed(clients, tokens);
        }));
  }

  /** The clients revoked within {@code window} (the longest a token they were issued may still live). */
  public Future<Set<String>> revokedWithin(Duration window) {
    return pool.preparedQuery("SELECT client_id FROM oauth_clients WHERE revoked_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) window.toSeconds()))
        .map(rows -> {
          Set<String> ids = new HashSet<>();
          rows.forEach(row -> ids.add(row.getUUID("client_id").toString()));
          return ids;
        });
  }

  byte[] hash(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(hashKey);
      return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is part of every JDK", e);
    }
  }

  /** 256 random bits, base64url without padding (43 characters). */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
