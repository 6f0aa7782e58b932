package io.walletplatform.common.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Sends records from the calling event loop straight into the Kafka producer's buffer. vertx-kafka-client
 * hands every send to a worker thread (a task queued, a thread woken, the answer queued back): on the hot
 * wallet that hop cost a twentieth of the platform's CPU (#33). {@code KafkaProducer.send} is thread-safe
 * and returns at once when its topic's partitions are known and its buffer has room; the producer under
 * this one must be made with {@link KafkaClients#eventLoopProducerConfig} ({@code max.block.ms} 0), so that
 * where it would have waited (metadata not fetched yet, or dropped after {@code metadata.max.idle.ms}; the
 * buffer full while the broker is away) it refuses inside {@code send} instead of blocking the event loop.
 * A refused record waits in a queue, and every later one behind it (so that records leave in the order
 * they were sent), tried again on a timer (10 ms, doubling to 200 ms); one still refused at the send
 * timeout fails, as does one the producer fails otherwise. Answers come back on the caller's context.
 */
public final class EventLoopProducer<K, V> {

  private static final long FIRST_RETRY_MS = 10;
  private static final long LAST_RETRY_MS = 200;

  private final Vertx vertx;
  private final Producer<K, V> producer;
  private final long timeoutNanos;
  /** Records refused for a wait, oldest first, and those sent after them; guarded by itself. */
  private final ArrayDeque<Pending<K, V>> waiting = new ArrayDeque<>();
  /** Sends refused for a wait so far (guarded by {@link #waiting}). */
  private long refusals;

  /** {@code producer} made with {@link KafkaClients#eventLoopProducerConfig}; {@code timeout} bounds the retries. */
  public EventLoopProducer(Vertx vertx, Producer<K, V> producer, Duration timeout) {
    this.vertx = vertx;
    this.producer = producer;
    this.timeoutNanos = timeout.toNanos();
  }

  /** The record acknowledged by every in-sync replica, or the failure that stopped it. */
  public Future<RecordMetadata> send(KafkaProducerRecord<K, V> record) {
    return send(record.record());
  }

  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    Pending<K, V> pending = new Pending<>(record, vertx.getOrCreateContext(), Promise.promise(),
        System.nanoTime() + timeoutNanos);
    synchronized (waiting) {
      if (!waiting.isEmpty()) {
        waiting.add(pending);
      } else if (!tried(pending)) {
        waiting.add(pending);
        vertx.setTimer(FIRST_RETRY_MS, timer -> retry(FIRST_RETRY_MS));
      }
    }
    return pending.promise.future();
  }

  /** Sends the waiting records in order until one is refused again (then waits longer) or none is left. */
  private void retry(long lastWaitMs) {
    synchronized (waiting) {
      Pending<K, V> head;
      while ((head = waiting.peek()) != null) {
        if (System.nanoTime() - head.deadline > 0) {
          waiting.poll();
          // A record queued behind the refused one may never have been tried: it fails all the same.
          head.answer(null, head.refusal != null ? head.refusal
              : new TimeoutException("not handed to the Kafka producer within the send timeout"));
        } else if (tried(head)) {
          waiting.poll();
        } else {
          long waitMs = Math.min(LAST_RETRY_MS, lastWaitMs * 2);
          vertx.setTimer(waitMs, timer -> retry(waitMs));
          return;
        }
      }
    }
  }

  /**
   * Hands the record to the producer: false when it refused it inside {@code send} for a wait (the record is
   * not in its buffer; the failed send asked for the metadata, so that it is soon there), true otherwise.
   */
  private boolean tried(Pending<K, V> pending) {
    Thread caller = Thread.currentThread();
    pending.refusal = null;
    try {
      producer.send(pending.record, (metadata, error) -> {
        if (Thread.currentThread() == caller && error instanceof TimeoutException) {
          pending.refusal = error;  // inside send(), on this thread: would have waited
        } else {
          pending.answer(metadata, error);  // the broker's answer on the producer's I/O thread, or a refusal for good
        }
      });
    } catch (RuntimeException error) {
      // Not an ApiException (a closed producer, a serializer's failure): thrown rather than called back.
      pending.answer(null, error);
    }
    if (pending.refusal != null) {
      refusals++;
      return false;
    }
    return true;
  }

  /** How many sends the producer refused for a wait (metadata unknown, buffer full) and were queued to retry. */
  public long refusals() {
    synchronized (waiting) {
      return refusals;
    }
  }

  private static final class Pending<K, V> {
    final ProducerRecord<K, V> record;
    final Context context;
    final Promise<RecordMetadata> promise;
    final long deadline;
    Exception refusal;

    Pending(ProducerRecord<K, V> record, Context context, Promise<RecordMetadata> promise, long deadline) {
      this.record = record;
      this.context = context;
      this.promise = promise;
      this.deadline = deadline;
    }

    void answer(RecordMetadata metadata, Exception error) {
      context.runOnContext(ignored -> {
        if (error == null) {
          promise.complete(metadata);
        } else {
          promise.fail(error);
        }
      });
    }
  }
}
