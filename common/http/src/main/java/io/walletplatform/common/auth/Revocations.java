package io.walletplatform.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What is refused although it verifies: the clients (principals) revoked at the development issuer,
 * and single tokens revoked by their {@code jti} (an admin's token: the admin client itself cannot be
 * revoked). Client ids are generated and never reused, so a revoked id stays refused until its last
 * token has expired, after which the issuer stops listing it; a token id is listed until that token
 * could no longer be valid. The sets are replaced whole from their source (the client store, or the
 * issuer's {@code /oauth/revoked}) and read on every request without a lock.
 */
public final class Revocations {

  /** What a source lists: revoked subjects and revoked token ids. */
  public record Listed(Set<String> subjects, Set<String> tokens) {
  }

  /** How long a revocation added here survives a replacement that does not list it yet (a poll that started before it). */
  private static final long LOCAL_GRACE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private volatile Set<String> revoked = Set.of();
  private volatile Set<String> revokedTokens = Set.of();
  private final Map<String, Long> addedHere = new HashMap<>();
  private final Map<String, Long> tokensAddedHere = new HashMap<>();

  public boolean revoked(String subject) {
    return !revoked.isEmpty() && revoked.contains(subject);
  }

  /** Whether a token of {@code subject} with this {@code jti} (may be null) is refused. */
  public boolean revoked(String subject, String jti) {
    return revoked(subject) || jti != null && !revokedTokens.isEmpty() && revokedTokens.contains(jti);
  }

  /** Adds one at once (the process that revoked it does not wait for its next poll). */
  public synchronized void add(String subject) {
    addedHere.put(subject, System.nanoTime());
    revoked = with(revoked, subject);
  }

  /** Adds one token id at once. */
  public synchronized void addToken(String jti) {
    tokensAddedHere.put(jti, System.nanoTime());
    revokedTokens = with(revokedTokens, jti);
  }

  private static Set<String> with(Set<String> set, String one) {
    Set<String> next = new HashSet<>(set);
    next.add(one);
    return Set.copyOf(next);
  }

  /** Replaces the subjects with its source's, keeping what was added here within the last minute. */
  public void replace(Set<String> subjects) {
    replace(new Listed(subjects, revokedTokens));
  }

  /** Replaces both sets with the source's, keeping what was added here within the last minute. */
  public synchronized void replace(Listed listed) {
    revoked = merged(listed.subjects(), addedHere);
    revokedTokens = merged(listed.tokens(), tokensAddedHere);
  }

  private static Set<String> merged(Set<String> listed, Map<String, Long> addedHere) {
    long now = System.nanoTime();
    addedHere.values().removeIf(added -> now - added > LOCAL_GRACE_NANOS);
    Set<String> next = new HashSet<>(listed);
    next.addAll(addedHere.keySet());
    return Set.copyOf(next);
  }

  /** The revoked subjects now (an immutable snapshot). */
  public Set<String> subjects() {
    return revoked;
  }

  public int size() {
    return revoked.size();
  }

  /** {@code {"revoked": [ids], "revokedTokens": [jtis]}}, as {@code /oauth/revoked} serves it. */
  public JsonObject toJson() {
    return new JsonObject().put("revoked", new JsonArray(List.copyOf(revoked)))
        .put("revokedTokens", new JsonArray(List.copyOf(revokedTokens)));
  }

  /** Reads what {@link #toJson()} wrote ({@code revokedTokens} may be absent: an older issuer); anything else is an error. */
  public static Listed fromJson(JsonObject json) {
    JsonArray ids = json.getJsonArray("revoked");
    if (ids == null) {
      throw new IllegalArgumentException("no revoked member");
    }
    JsonArray tokens = json.getJsonArray("revokedTokens", new JsonArray());
    return new Listed(strings(ids), strings(tokens));
  }

  private static Set<String> strings(JsonArray array) {
    Set<String> values = new HashSet<>();
    for (Object value : array) {
      if (!(value instanceof String text)) {
        throw new IllegalArgumentException("a revoked id is not a string");
      }
      values.add(text);
    }
    return values;
  }
}
