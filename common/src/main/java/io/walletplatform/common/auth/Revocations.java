package io.walletplatform.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/**
 * The clients (principals) whose tokens are refused although they verify: revoked at the
 * development issuer. Client ids are generated and never reused, so a revoked id stays refused
 * until its last token has expired, after which the issuer stops listing it. The set is replaced
 * whole from its source (the client store, or the issuer's {@code /oauth/revoked}) and read on
 * every request without a lock.
 */
public final class Revocations {

  /** How long a revocation added here survives a replacement that does not list it yet (a poll that started before it). */
  private static final long LOCAL_GRACE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  private volatile Set<String> revoked = Set.of();
  private final java.util.Map<String, Long> addedHere = new java.util.HashMap<>();

  public boolean revoked(String subject) {
    return !revoked.isEmpty() && revoked.contains(subject);
  }

  /** Adds one at once (the process that revoked it does not wait for its next poll). */
  public synchronized void add(String subject) {
    addedHere.put(subject, System.nanoTime());
    Set<String> next = new HashSet<>(revoked);
    next.add(subject);
    revoked = Set.copyOf(next);
  }

  /** Replaces the whole set with its source's, keeping what was added here within the last minute. */
  public synchronized void replace(Set<String> subjects) {
    long now = System.nanoTime();
    addedHere.values().removeIf(added -> now - added > LOCAL_GRACE_NANOS);
    Set<String> next = new HashSet<>(subjects);
    next.addAll(addedHere.keySet());
    revoked = Set.copyOf(next);
  }

  /** The revoked subjects now (an immutable snapshot). */
  public Set<String> subjects() {
    return revoked;
  }

  public int size() {
    return revoked.size();
  }

  /** {@code {"revoked": [ids]}}, as {@code /oauth/revoked} serves it. */
  public JsonObject toJson() {
    return new JsonObject().put("revoked", new JsonArray(java.util.List.copyOf(revoked)));
  }

  /** Reads what {@link #toJson()} wrote; anything else is an error. */
  public static Set<String> fromJson(JsonObject json) {
    JsonArray ids = json.getJsonArray("revoked");
    if (ids == null) {
      throw new IllegalArgumentException("no revoked member");
    }
    Set<String> subjects = new HashSet<>();
    for (Object id : ids) {
      if (!(id instanceof String text)) {
        throw new IllegalArgumentException("a revoked id is not a string");
      }
      subjects.add(text);
    }
    return subjects;
  }
}
