package io.walletplatform.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Received Kafka records waiting to be processed, kept in offset order per partition through
 * rebalances. Records of partitions this consumer does not own are refused (they were fetched
 * before a revocation and belong to the new owner now); when a partition is re-read from an earlier
 * offset, what was buffered from that offset on is replaced. Offsets to commit never go backwards.
 *
 * <p>Not thread-safe: use it from one Vert.x context.
 */
public final class RecordBuffer<R> {

  private final ToIntFunction<R> partitionOf;
  private final ToLongFunction<R> offsetOf;
  private List<R> records = new ArrayList<>();
  private final Set<Integer> assigned = new HashSet<>();
  private final Map<Integer, Long> lastOffset = new HashMap<>();
  private final Map<Integer, Long> committed = new HashMap<>();
  /** Per partition, a number that changes with every assignment and revocation of it. */
  private final Map<Integer, Long> generations = new HashMap<>();
  private long nextGeneration;
  /** Per partition, the offset after the furthest record processed, committed or not yet. */
  private final Map<Integer, Long> processedUpTo = new HashMap<>();

  public RecordBuffer(ToIntFunction<R> partitionOf, ToLongFunction<R> offsetOf) {
    this.partitionOf = partitionOf;
    this.offsetOf = offsetOf;
  }

  public void assigned(Collection<Integer> partitions) {
    for (Integer partition : partitions) {
      generations.put(partition, ++nextGeneration);
      assigned.add(partition);
      lastOffset.remove(partition);
      committed.remove(partition);
      processedUpTo.remove(partition);
    }
  }

  /** Drops what is buffered for the partitions: uncommitted, so their next owner reads it again. */
  public void revoked(Collection<Integer> partitions) {
    Set<Integer> revoked = new HashSet<>(partitions);
    revoked.forEach(partition -> generations.put(partition, ++nextGeneration));
    assigned.removeAll(revoked);
    revoked.forEach(lastOffset::remove);
    revoked.forEach(committed::remove);
    revoked.forEach(processedUpTo::remove);
    records.removeIf(record -> revoked.contains(partitionOf.applyAsInt(record)));
  }

  /**
   * The partition's current assignment: records taken under one generation and finished under
   * another belong to an assignment that is over (they are read again from the committed offset),
   * so they are neither put back nor counted as processed.
   */
  public long generation(int partition) {
    return generations.getOrDefault(partition, 0L);
  }

  /** Buffers the record; false when its partition is not owned and it was dropped. */
  public boolean add(R record) {
    int partition = partitionOf.applyAsInt(record);
    if (!assigned.contains(partition)) {
      return false;
    }
    long offset = offsetOf.applyAsLong(record);
    Long last = lastOffset.get(partition);
    if (last != null && offset <= last) {
      records.removeIf(buffered -> partitionOf.applyAsInt(buffered) == partition && offsetOf.applyAsLong(buffered) >= offset);
    }
    lastOffset.put(partition, offset);
    records.add(record);
    return true;
  }

  public int size() {
    return records.size();
  }

  /** The record at the head, the next to be taken; the buffer must not be empty. */
  public R first() {
    return records.get(0);
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  /** Takes up to {@code max} records from the head, in order. */
  public List<R> take(int max) {
    if (records.size() <= max) {
      List<R> taken = records;
      records = new ArrayList<>();
      return taken;
    }
    List<R> taken = new ArrayList<>(records.subList(0, max));
    records = new ArrayList<>(records.subList(max, records.size()));
    return taken;
  }

  /**
   * Puts records that could not be processed back at the head. A partition revoked or re-read in
   * the meantime keeps what the buffer now holds for it, so order is kept.
   */
  public void requeue(List<R> failed) {
    Map<Integer, Long> firstBuffered = new HashMap<>();
    for (R record : records) {
      firstBuffered.merge(partitionOf.applyAsInt(record), offsetOf.applyAsLong(record), Math::min);
    }
    List<R> merged = new ArrayList<>(failed.size() + records.size());
    for (R record : failed) {
      int partition = partitionOf.applyAsInt(record);
      Long first = firstBuffered.get(partition);
      if (assigned.contains(partition) && (first == null || first > offsetOf.applyAsLong(record))) {
        merged.add(record);
      }
    }
    merged.addAll(records);
    records = merged;
  }

  /**
   * Notes the records as processed and answers the next offsets to commit: for owned partitions,
   * only forward, never past a record still buffered (one put back for another attempt while later
   * records of its partition were processed: a restart then reads it again, and the later ones as
   * duplicates). What a failed commit left behind is answered again on the next call, records or not.
   */
  public Map<Integer, Long> offsetsToCommit(List<R> processed) {
    for (R record : processed) {
      int partition = partitionOf.applyAsInt(record);
      if (assigned.contains(partition)) {
        processedUpTo.merge(partition, offsetOf.applyAsLong(record) + 1, Math::max);
      }
    }
    Map<Integer, Long> next = new HashMap<>(processedUpTo);
    for (R record : records) {
      next.computeIfPresent(partitionOf.applyAsInt(record), (partition, offset) -> Math.min(offset, offsetOf.applyAsLong(record)));
    }
    next.entrySet().removeIf(entry -> committed.getOrDefault(entry.getKey(), -1L) >= entry.getValue());
    return next;
  }

  public void committed(Map<Integer, Long> offsets) {
    offsets.forEach((partition, offset) -> committed.merge(partition, offset, Math::max));
  }
}
