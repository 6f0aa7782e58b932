package io.walletplatform.common.util;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.function.Supplier;

/**
 * One object per Vert.x instance (a process's readiness, its consumers, its tracing), kept in the
 * instance's local shared data: components find it from the {@link Vertx} they are given, and two
 * platforms in one JVM (tests) never see each other's.
 */
public final class VertxLocal {

  private static final String MAP = "io.walletplatform.local";

  private VertxLocal() {
  }

  /** The object under {@code key}, created on first use. */
  @SuppressWarnings("unchecked")
  public static <T extends Shareable> T get(Vertx vertx, String key, Supplier<T> create) {
    LocalMap<String, Shareable> map = vertx.sharedData().getLocalMap(MAP);
    return (T) map.computeIfAbsent(key, ignored -> create.get());
  }

  /** Sets the object under {@code key}, replacing any. */
  public static void put(Vertx vertx, String key, Shareable value) {
    LocalMap<String, Shareable> map = vertx.sharedData().getLocalMap(MAP);
    map.put(key, value);
  }
}
