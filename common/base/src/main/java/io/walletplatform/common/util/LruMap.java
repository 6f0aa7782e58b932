package io.walletplatform.common.util;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bounded map for keys an attacker chooses (principals, tokens, addresses, client ids): past its
 * capacity it forgets the least recently used entries, one at a time, never everything at once, so
 * a flood of new keys cannot reset or evict a key that is in use. Striped into segments, each an
 * access-ordered {@link LinkedHashMap} under its own lock, so that event loops rarely wait for each
 * other; the bound and the order are per segment (a segment holds {@code capacity / segments}).
 */
public final class LruMap<K, V> {

  private static final int SEGMENTS = 16;

  private final Segment<K, V>[] segments;

  @SuppressWarnings("unchecked")
  public LruMap(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    int count = Math.min(SEGMENTS, capacity);
    segments = new Segment[count];
    for (int i = 0; i < count; i++) {
      segments[i] = new Segment<>(Math.max(1, capacity / count));
    }
  }

  private Segment<K, V> segment(Object key) {
    int hash = key.hashCode();
    hash ^= hash >>> 16;
    return segments[Math.floorMod(hash, segments.length)];
  }

  /** The value, marking it used, or {@code null}. */
  public V get(K key) {
    Segment<K, V> segment = segment(key);
    synchronized (segment) {
      return segment.get(key);
    }
  }

  public void put(K key, V value) {
    Segment<K, V> segment = segment(key);
    synchronized (segment) {
      segment.put(key, value);
    }
  }

  /** The value, created by {@code create} when absent (under the segment's lock: keep it cheap). */
  public V computeIfAbsent(K key, Function<? super K, ? extends V> create) {
    Segment<K, V> segment = segment(key);
    synchronized (segment) {
      return segment.computeIfAbsent(key, create);
    }
  }

  public V remove(K key) {
    Segment<K, V> segment = segment(key);
    synchronized (segment) {
      return segment.remove(key);
    }
  }

  /** Forgets every entry whose value matches (for entries that can no longer be used, such as expired tokens). */
  public void removeIf(Predicate<? super V> stale) {
    for (Segment<K, V> segment : segments) {
      synchronized (segment) {
        segment.values().removeIf(stale);
      }
    }
  }

  public int size() {
    int size = 0;
    for (Segment<K, V> segment : segments) {
      synchronized (segment) {
        size += segment.size();
      }
    }
    return size;
  }

  private static final class Segment<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    Segment(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > capacity;
    }
  }
}
