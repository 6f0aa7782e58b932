package io.walletplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.walletplatform.common.db.Failures;
import io.walletplatform.common.errors.InvalidRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The one consuming loop of the platform: the operation worker and both inboxes supply only how to
 * apply a batch of records (and how to record that one can never be applied); this owns buffering,
 * pausing, passes, backoff, offset commits, dead-lettering, quarantine and stop. It knows nothing of
 * Kafka or Vert.x contexts: a {@link Port} fetches and commits, a {@link Parking} keeps records that
 * can never be applied, and the clock is given, so the whole loop runs the same under a simulation.
 *
 * <p>A pass takes at most {@code maxBatchRecords} from the head of the buffer and applies them in one
 * call. A failure that may pass (anything but a data error, see {@link Failures#isPermanent}) ends the
 * pass: what is not applied goes back to the head of the buffer and the loop backs off (exponential,
 * jittered, on the monotonic clock) and tries again, without limit. A data error is isolated: the
 * records are applied key by key, then one at a time within the failing key; the record that fails
 * and its key's later records stay behind for the next pass (after a backoff), the other keys go on.
 * After {@code maxAttempts} such passes the record is parked: sent to the dead-letter topic (or, when
 * that fails {@code maxDeadLetterAttempts} times, to the quarantine), then {@link Handler#giveUp} records
 * its final outcome, and its key goes on. A record that cannot be decoded is parked at once.
 * Offsets are committed after every pass for what it finished, never past a record still buffered.
 *
 * <p>State is one value, {@link State}, and every change of it is checked against the transitions
 * allowed. Not thread-safe: call it from one Vert.x context (or one simulation thread).
 */
public final class BatchingConsumer<R> {

  private static final Logger log = LoggerFactory.getLogger(BatchingConsumer.class);

  /** Where the loop is. Exactly one pass runs at a time, only in APPLYING or STOPPING. */
  public enum State {
    /** Waiting for records or for the next tick. */
    IDLE,
    /** A pass is running. */
    APPLYING,
    /** The last pass left records behind; the next waits until the backoff is over. */
    BACKING_OFF,
    /** Stop was asked: the pass running (or one last pass over the buffer) finishes, no retries. */
    STOPPING,
    STOPPED;

    private Set<State> next() {
      return switch (this) {
        case IDLE -> EnumSet.of(APPLYING, STOPPING, STOPPED);
        case APPLYING -> EnumSet.of(IDLE, BACKING_OFF, STOPPING);
        case BACKING_OFF -> EnumSet.of(APPLYING, IDLE, STOPPED);
        case STOPPING -> EnumSet.of(STOPPED);
        case STOPPED -> EnumSet.noneOf(State.class);
      };
    }
  }

  /** What the service does with records. */
  public interface Handler<R> {

    /** Applies the records in one transaction, in order: all of them or none. Must be idempotent. */
    Future<Void> apply(List<R> records);

    /** Why this record can never be applied (it does not decode), or {@code null}; called once per record. */
    default Throwable undecodable(R record) {
      return null;
    }

    /** Records the final outcome of a record that was parked (the wallet operation's FAILED row). Idempotent. */
    default Future<Void> giveUp(R record, Throwable error) {
      return Future.succeededFuture();
    }
  }

  /** The consumer side of the broker. */
  public interface Port {
    void pauseFetching();

    void resumeFetching();

    /** Commits the next offsets to read, by partition. */
    Future<Void> commit(Map<Integer, Long> nextOffsets);
  }

  /** Where records that can never be applied are kept for operators. */
  public interface Parking<R> {
    Future<Void> deadLetter(R record, Throwable error);

    Future<Void> quarantine(R record, Throwable error);
  }

  /** What the loop reports, for metrics. Every method is called on the loop's context. */
  public interface Listener {
    default void passApplied(int records, long durationNanos) {
    }

    default void passFailed(int records, Throwable error) {
    }

    default void deadLettered() {
    }

    default void deadLetterFailed() {
    }

    default void quarantined() {
    }

    default void gaveUp() {
    }
  }

  /**
   * @param maxBatchRecords       records one pass (one transaction) takes at most
   * @param maxBufferedRecords    fetching pauses while this many records wait
   * @param eager                 start a pass as soon as records arrive and none runs (inboxes), instead
   *                              of on the tick (the worker's batch window)
   * @param maxAttempts           passes at a record that fails with a data error before it is parked
   * @param maxDeadLetterAttempts dead-letter sends before the record goes to the quarantine instead
   * @param minBackoffMs          the first backoff; it doubles with every failed pass in a row
   * @param maxBackoffMs          the longest backoff
   */
  public record Settings(int maxBatchRecords, int maxBufferedRecords, boolean eager, int maxAttempts,
                         int maxDeadLetterAttempts, long minBackoffMs, long maxBackoffMs) {
    public Settings {
      if (maxBatchRecords < 1 || maxBufferedRecords < 1 || maxAttempts < 1 || maxDeadLetterAttempts < 1
          || minBackoffMs < 1 || maxBackoffMs < minBackoffMs) {
        throw new IllegalArgumentException("invalid consumer settings " + this);
      }
    }
  }

  /** How a record is placed: where it sits, what orders it, and when it was produced. */
  public record Layout<R>(ToIntFunction<R> partition, ToLongFunction<R> offset, Function<R, Object> key,
                          ToLongFunction<R> timestampMs) {
  }

  private record Position(int partition, long offset) {
  }

  private final String name;
  private final Settings settings;
  private final Layout<R> layout;
  private final Handler<R> handler;
  private final Parking<R> parking;
  private final Port port;
  private final LongSupplier clockMs;
  private final Random random;
  private final Listener listener;
  private final RecordBuffer<R> buffer;
  private final Map<Position, Integer> attempts = new HashMap<>();
  private final Map<Position, Integer> deadLetterAttempts = new HashMap<>();
  private final Promise<Void> stopped = Promise.promise();

  private State state = State.IDLE;
  private boolean paused;
  private int failedPassesInARow;
  private long retryAtMs;
  private volatile long oldestPendingTimestampMs;

  public BatchingConsumer(String name, Settings settings, Layout<R> layout, Handler<R> handler, Parking<R> parking,
                          Port port, LongSupplier clockMs, Random random, Listener listener) {
    this.name = name;
    this.settings = settings;
    this.layout = layout;
    this.handler = handler;
    this.parking = parking;
    this.port = port;
    this.clockMs = clockMs;
    this.random = random;
    this.listener = listener;
    this.buffer = new RecordBuffer<>(layout.partition(), layout.offset());
  }

  public State state() {
    return state;
  }

  public int buffered() {
    return buffer.size();
  }

  /** When the oldest record this consumer holds unapplied was produced (epoch ms), 0 when it holds none; any thread. */
  public long oldestPendingTimestampMs() {
    return oldestPendingTimestampMs;
  }

  public void assigned(List<Integer> partitions) {
    buffer.assigned(partitions);
  }

  /** Forgets what was buffered for the partitions: uncommitted, their next owner reads it again. */
  public void revoked(List<Integer> partitions) {
    buffer.revoked(partitions);
    attempts.keySet().removeIf(position -> partitions.contains(position.partition()));
    deadLetterAttempts.keySet().removeIf(position -> partitions.contains(position.partition()));
    notePending();
    resumeIfDrained();
  }

  public void received(R record) {
    if (state == State.STOPPED || !buffer.add(record)) {
      return;
    }
    if (buffer.size() == 1) {
      notePending();
    }
    if (buffer.size() >= settings.maxBufferedRecords() && !paused) {
      paused = true;
      port.pauseFetching();
    }
    if (state == State.IDLE && (settings.eager() || buffer.size() >= settings.maxBatchRecords())) {
      startPass();
    }
  }

  /** Called periodically: the batch window of a non-eager consumer, and the end of a backoff. */
  public void tick() {
    resumeIfDrained();
    if (buffer.isEmpty() && state == State.BACKING_OFF) {
      move(State.IDLE);
    }
    boolean due = state == State.IDLE || state == State.BACKING_OFF && clockMs.getAsLong() >= retryAtMs;
    if (due && (!buffer.isEmpty() || !buffer.offsetsToCommit(List.of()).isEmpty())) {
      // An empty pass only commits what an earlier commit failed to: a lag that is not real would shed load.
      startPass();
    }
  }

  /**
   * Finishes the pass running, or makes one last pass over the buffer when idle, without retries;
   * what is left is not committed and its next owner reads it again. Completes once STOPPED.
   */
  public Future<Void> stop() {
    switch (state) {
      case IDLE -> {
        if (buffer.isEmpty()) {
          move(State.STOPPED);
          stopped.tryComplete();
        } else {
          move(State.STOPPING);
          runPass();
        }
      }
      case APPLYING -> move(State.STOPPING);
      case BACKING_OFF -> {
        move(State.STOPPED);
        stopped.tryComplete();
      }
      default -> {
      }
    }
    return stopped.future();
  }

  private void move(State next) {
    if (!state.next().contains(next)) {
      throw new IllegalStateException(name + ": no transition from " + state + " to " + next);
    }
    state = next;
  }

  private void startPass() {
    move(State.APPLYING);
    runPass();
  }

  private void runPass() {
    List<R> batch = buffer.take(settings.maxBatchRecords());
    Pass pass = new Pass();
    batch.forEach(record -> pass.generations.computeIfAbsent(layout.partition().applyAsInt(record),
        partition -> buffer.generation(partition)));
    long startedNanos = System.nanoTime();
    applyGroup(batch, pass, true)
        .otherwise(error -> {
          pass.failure = error;
          return null;
        })
        .compose(ignored -> finish(batch, pass))
        .onComplete(ignored -> afterPass(batch, pass, startedNanos));
  }

  /** What one pass did. */
  private final class Pass {
    final Map<R, Boolean> done = new IdentityHashMap<>();
    /** Each partition's assignment when the pass took its records. */
    final Map<Integer, Long> generations = new HashMap<>();
    /** A record stayed behind for a later pass (attempts left, or parking failed). */
    boolean heldBack;
    /** A failure that may pass ended the pass early. */
    Throwable failure;

    void done(List<R> records) {
      records.forEach(record -> done.put(record, Boolean.TRUE));
    }
  }

  /**
   * Applies the records; on a data error splits them by key (when asked) or goes one at a time. Fails
   * only with a failure that may pass, which ends the pass.
   */
  private Future<Void> applyGroup(List<R> records, Pass pass, boolean splitByKey) {
    List<R> pending = new ArrayList<>(records.size());
    for (R record : records) {
      if (!pass.done.containsKey(record)) {
        pending.add(record);
      }
    }
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    if (pending.stream().anyMatch(record -> handler.undecodable(record) != null)) {
      return splitByKey ? byKey(pending, pass) : oneByOne(pending, 0, pass);
    }
    return handler.apply(pending).compose(
        applied -> {
          pass.done(pending);
          return Future.succeededFuture();
        },
        error -> {
          if (!Failures.isPermanent(error)) {
            return Future.failedFuture(error);
          }
          if (pending.size() == 1) {
            return settle(pending.get(0), error, pass).mapEmpty();
          }
          log.warn("{}: a batch of {} records failed with a data error ({}); isolating it", name, pending.size(),
              error.toString());
          return splitByKey ? byKey(pending, pass) : oneByOne(pending, 0, pass);
        });
  }

  private Future<Void> byKey(List<R> records, Pass pass) {
    Map<Object, List<R>> groups = new LinkedHashMap<>();
    records.forEach(record -> groups.computeIfAbsent(layout.key().apply(record), key -> new ArrayList<>()).add(record));
    if (groups.size() == 1) {
      return oneByOne(records, 0, pass);
    }
    Future<Void> chain = Future.succeededFuture();
    for (List<R> group : groups.values()) {
      chain = chain.compose(ignored -> applyGroup(group, pass, false));
    }
    return chain;
  }

  /** One key's records one transaction each, in order, until one stays behind: those after it wait with it. */
  private Future<Void> oneByOne(List<R> records, int from, Pass pass) {
    if (from == records.size()) {
      return Future.succeededFuture();
    }
    R record = records.get(from);
    Throwable undecodable = handler.undecodable(record);
    Future<Boolean> settled = undecodable != null
        ? settle(record, undecodable, pass)
        : handler.apply(List.of(record)).compose(
            applied -> {
              pass.done(List.of(record));
              return Future.succeededFuture(true);
            },
            error -> Failures.isPermanent(error) ? settle(record, error, pass) : Future.failedFuture(error));
    return settled.compose(goOn -> goOn ? oneByOne(records, from + 1, pass) : Future.succeededFuture());
  }

  /**
   * A record failed with a data error: it stays behind while it has attempts left, then is parked.
   * True when it is finished with (its key may go on).
   */
  private Future<Boolean> settle(R record, Throwable error, Pass pass) {
    if (state == State.STOPPING) {
      return Future.succeededFuture(false);
    }
    Position position = position(record);
    int attempt = error instanceof InvalidRecordException ? settings.maxAttempts()
        : attempts.merge(position, 1, Integer::sum);
    if (attempt < settings.maxAttempts()) {
      log.warn("{}: record {}-{} (key {}) failed with a data error, attempt {} of {}: {}", name, position.partition(),
          position.offset(), layout.key().apply(record), attempt, settings.maxAttempts(), error.toString());
      pass.heldBack = true;
      return Future.succeededFuture(false);
    }
    return park(record, position, error)
        .compose(ignored -> handler.giveUp(record, error).recover(giveUpError -> {
          if (Failures.isPermanent(giveUpError)) {
            // Parked already: nothing is lost, but its outcome could not be written; operators see it in the log.
            log.error("{}: record {}-{} parked, but its final outcome could not be recorded: {}", name,
                position.partition(), position.offset(), giveUpError.toString());
            return Future.succeededFuture();
          }
          return Future.failedFuture(giveUpError);
        }))
        .map(ignored -> {
          listener.gaveUp();
          attempts.remove(position);
          deadLetterAttempts.remove(position);
          pass.done(List.of(record));
          return true;
        })
        .recover(parkError -> {
          log.warn("{}: record {}-{} could not be parked yet: {}", name, position.partition(), position.offset(),
              parkError.toString());
          pass.heldBack = true;
          return Future.succeededFuture(false);
        });
  }

  /** To the dead-letter topic; after bounded failures there, to the quarantine. */
  private Future<Void> park(R record, Position position, Throwable error) {
    if (deadLetterAttempts.getOrDefault(position, 0) >= settings.maxDeadLetterAttempts()) {
      return parking.quarantine(record, error).onSuccess(ignored -> listener.quarantined());
    }
    return parking.deadLetter(record, error)
        .onSuccess(ignored -> listener.deadLettered())
        .recover(sendError -> {
          listener.deadLetterFailed();
          int failures = deadLetterAttempts.merge(position, 1, Integer::sum);
          log.warn("{}: dead letter for {}-{} refused ({} of {}): {}", name, position.partition(), position.offset(),
              failures, settings.maxDeadLetterAttempts(), sendError.toString());
          if (failures < settings.maxDeadLetterAttempts()) {
            return Future.failedFuture(sendError);
          }
          return parking.quarantine(record, error).onSuccess(ignored -> listener.quarantined());
        });
  }

  /** What the pass did not finish goes back to the head of the buffer, then what it finished is committed. */
  private Future<Void> finish(List<R> batch, Pass pass) {
    List<R> done = new ArrayList<>(pass.done.size());
    List<R> left = new ArrayList<>(batch.size() - pass.done.size());
    for (R record : batch) {
      int partition = layout.partition().applyAsInt(record);
      if (pass.generations.get(partition) != buffer.generation(partition)) {
        continue;  // revoked (and maybe assigned again) meanwhile: read again from the committed offset
      }
      (pass.done.containsKey(record) ? done : left).add(record);
    }
    if (!left.isEmpty()) {
      buffer.requeue(left);
    }
    Map<Integer, Long> next = buffer.offsetsToCommit(done);
    if (next.isEmpty()) {
      return Future.succeededFuture();
    }
    return port.commit(next)
        .onSuccess(ignored -> buffer.committed(next))
        .recover(error -> {
          // The effects are durable; whoever reads these records again finds them applied.
          log.warn("{}: could not commit offsets {}: {}", name, next, error.toString());
          return Future.succeededFuture();
        });
  }

  private void afterPass(List<R> batch, Pass pass, long startedNanos) {
    notePending();
    if (pass.failure != null) {
      listener.passFailed(batch.size(), pass.failure);
    } else {
      listener.passApplied(pass.done.size(), System.nanoTime() - startedNanos);
    }
    if (state == State.STOPPING) {
      move(State.STOPPED);
      stopped.tryComplete();
      return;
    }
    resumeIfDrained();
    if (pass.failure != null || pass.heldBack) {
      failedPassesInARow++;
      long backoffMs = backoffMs(failedPassesInARow);
      retryAtMs = clockMs.getAsLong() + backoffMs;
      if (pass.failure != null) {
        log.warn("{}: pass of {} records failed ({} in a row), retrying in {} ms: {}", name, batch.size(),
            failedPassesInARow, backoffMs, pass.failure.toString());
      }
      move(State.BACKING_OFF);
      return;
    }
    failedPassesInARow = 0;
    move(State.IDLE);
    if (!buffer.isEmpty() && (settings.eager() || buffer.size() >= settings.maxBatchRecords())) {
      startPass();
    }
  }

  /** Fetching resumes once half the buffer is free (after a pass, or a revocation that emptied it). */
  private void resumeIfDrained() {
    if (paused && state != State.STOPPING && state != State.STOPPED
        && buffer.size() < settings.maxBufferedRecords() / 2) {
      paused = false;
      port.resumeFetching();
    }
  }

  /** Exponential with "equal jitter": half fixed, half random, so consumers that failed together do not retry together. */
  long backoffMs(int failuresInARow) {
    long ceiling = Math.min(settings.maxBackoffMs(), settings.minBackoffMs() << Math.min(failuresInARow - 1, 20));
    long half = Math.max(1, ceiling / 2);
    return half + (long) (random.nextDouble() * (ceiling - half + 1));
  }

  private void notePending() {
    oldestPendingTimestampMs = buffer.isEmpty() ? 0 : layout.timestampMs().applyAsLong(buffer.first());
  }

  private Position position(R record) {
    return new Position(layout.partition().applyAsInt(record), layout.offset().applyAsLong(record));
  }
}
