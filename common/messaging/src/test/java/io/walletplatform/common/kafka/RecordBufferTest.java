package io.walletplatform.common.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordBufferTest {

  private record Rec(int partition, long offset) {
  }

  private static RecordBuffer<Rec> buffer(Integer... partitions) {
    RecordBuffer<Rec> buffer = new RecordBuffer<>(Rec::partition, Rec::offset);
    buffer.assigned(List.of(partitions));
    return buffer;
  }

  @Test
  void recordsOfPartitionsNotOwnedAreRefused() {
    RecordBuffer<Rec> buffer = buffer(0);
    assertFalse(buffer.add(new Rec(1, 0)));
    assertTrue(buffer.add(new Rec(0, 0)));
    buffer.revoked(List.of(0));
    assertFalse(buffer.add(new Rec(0, 1)), "fetched before the revocation, delivered after it");
    assertTrue(buffer.isEmpty(), "revocation drops what was buffered");
  }

  @Test
  void aRewoundPartitionReplacesWhatWasBufferedFromThatOffsetOn() {
    RecordBuffer<Rec> buffer = buffer(0, 1);
    buffer.add(new Rec(0, 5));
    buffer.add(new Rec(1, 9));
    buffer.add(new Rec(0, 6));
    buffer.add(new Rec(0, 3));
    buffer.add(new Rec(0, 4));
    buffer.add(new Rec(0, 5));
    assertEquals(List.of(new Rec(1, 9), new Rec(0, 3), new Rec(0, 4), new Rec(0, 5)), buffer.take(10));
  }

  @Test
  void aFailedBatchGoesBackInFrontUnlessItsPartitionWasRewound() {
    RecordBuffer<Rec> buffer = buffer(0, 1);
    buffer.add(new Rec(0, 1));
    buffer.add(new Rec(1, 1));
    List<Rec> failed = buffer.take(10);
    buffer.add(new Rec(0, 2));
    buffer.add(new Rec(1, 0));
    buffer.requeue(failed);
    assertEquals(List.of(new Rec(0, 1), new Rec(0, 2), new Rec(1, 0)), buffer.take(10),
        "partition 1 was re-read from offset 0, so its failed record is not put back ahead of it");
  }

  @Test
  void offsetsToCommitOnlyMoveForward() {
    RecordBuffer<Rec> buffer = buffer(0);
    assertEquals(Map.of(0, 8L), buffer.offsetsToCommit(List.of(new Rec(0, 6), new Rec(0, 7))));
    buffer.committed(Map.of(0, 8L));
    assertEquals(Map.of(), buffer.offsetsToCommit(List.of(new Rec(0, 3))));
    assertEquals(Map.of(0, 10L), buffer.offsetsToCommit(List.of(new Rec(0, 9))));
  }

  @Test
  void offsetsToCommitStopAtARecordPutBackForAnotherAttempt() {
    RecordBuffer<Rec> buffer = buffer(0, 1);
    buffer.add(new Rec(0, 1));
    buffer.add(new Rec(0, 2));
    buffer.add(new Rec(0, 3));
    buffer.add(new Rec(1, 7));
    List<Rec> batch = buffer.take(10);
    buffer.requeue(List.of(new Rec(0, 2)));
    assertEquals(Map.of(0, 2L, 1, 8L), buffer.offsetsToCommit(List.of(new Rec(0, 1), new Rec(0, 3), new Rec(1, 7))),
        "offset 3 of partition 0 was processed, but offset 2 waits in the buffer: commit up to 2 only");
    assertEquals(4, batch.size());
  }

  @Test
  void everyAssignmentAndRevocationStartsANewGenerationOfThePartition() {
    RecordBuffer<Rec> buffer = buffer(0, 1);
    long first = buffer.generation(0);
    long other = buffer.generation(1);
    buffer.revoked(List.of(0));
    buffer.assigned(List.of(0));
    assertTrue(buffer.generation(0) > first, "revoked and assigned again: records taken before belong to the old one");
    assertEquals(other, buffer.generation(1), "a partition left alone keeps its generation");
  }

  @Test
  void aFailedCommitIsAnsweredAgainWithoutNewRecords() {
    RecordBuffer<Rec> buffer = buffer(0);
    buffer.add(new Rec(0, 0));
    buffer.add(new Rec(0, 1));
    assertEquals(Map.of(0, 2L), buffer.offsetsToCommit(buffer.take(10)));
    assertEquals(Map.of(0, 2L), buffer.offsetsToCommit(List.of()), "not committed yet: still owed");
    buffer.committed(Map.of(0, 2L));
    assertEquals(Map.of(), buffer.offsetsToCommit(List.of()));
  }
}
