package io.walletplatform.wallet;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.kafka.EventLoopProducer;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accept path's producer sends from the event loop (#33): against the real broker every send is
 * acknowledged, on the caller's context, in order; against no broker at all the event loop is never held.
 */
class EventLoopProducerTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  /** Runs {@code body} on one event-loop context and waits for the future it returns. */
  private static <T> T onEventLoop(Context context, java.util.function.Supplier<Future<T>> body, Duration wait) {
    Promise<T> done = Promise.promise();
    context.runOnContext(ignored -> body.get().onComplete(done));
    return Await.result(done.future(), wait);
  }

  @Test
  void aFreshProducersSendsAreAcknowledgedOnTheCallersContextInTheirOrder() {
    Config config = IsolatedConfig.create("eventloopproducer");
    KafkaSettings settings = KafkaSettings.from(config);
    String topic = "event-loop-producer." + java.util.UUID.randomUUID();
    Await.result(KafkaClients.ensureTopics(vertx, settings, List.of(topic)));
    // A producer that has fetched no metadata yet: its first sends are refused inside send() (max.block.ms 0)
    // and succeed only by being tried again.
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx,
        KafkaClients.eventLoopProducerConfig(settings, "event-loop-producer-test"));
    try {
      EventLoopProducer<String, String> sender = new EventLoopProducer<>(vertx, producer.unwrap(), Duration.ofSeconds(10));
      Context context = vertx.getOrCreateContext();
      AtomicInteger offContext = new AtomicInteger();
      List<RecordMetadata> acknowledged = onEventLoop(context, () -> {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          sends.add(sender.send(new ProducerRecord<>(topic, "wallet-1", "record-" + i)).andThen(sent -> {
            if (Vertx.currentContext() != context) {
              offContext.incrementAndGet();
            }
          }));
        }
        return Future.all(sends).map(all -> sends.stream().map(Future::result).toList());
      }, Duration.ofSeconds(30));
      assertEquals(300, acknowledged.size());
      assertTrue(sender.refusals() > 0, "the first sends found no metadata and were tried again");
      assertEquals(0, offContext.get(), "every answer on the caller's context");
      for (int i = 1; i < acknowledged.size(); i++) {
        assertEquals(acknowledged.get(0).partition(), acknowledged.get(i).partition());
        assertTrue(acknowledged.get(i).offset() > acknowledged.get(i - 1).offset(),
            "one key's records in the log in the order they were sent: " + i);
      }
    } finally {
      Await.result(producer.close());
    }
  }

  @Test
  void withNoBrokerTheEventLoopIsNeverHeldAndTheSendFailsAtItsTimeout() throws Exception {
    // Nothing listens there: the producer never learns a partition, and a blocking send would wait
    // max.block.ms (the send timeout) inside send(), on the event loop.
    KafkaSettings settings = KafkaSettings.from(Config.of(Map.of(
        KafkaSettings.BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePorts.pick(),
        "KAFKA_SEND_TIMEOUT_MS", "2000")));
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx,
        KafkaClients.eventLoopProducerConfig(settings, "event-loop-producer-unreachable"));
    try {
      EventLoopProducer<String, String> sender = new EventLoopProducer<>(vertx, producer.unwrap(), settings.sendTimeout());
      Context context = vertx.getOrCreateContext();
      long[] heldNanos = new long[1];
      long started = System.nanoTime();
      Throwable failure = onEventLoop(context, () -> {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        long before = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          sends.add(sender.send(new ProducerRecord<>("nowhere", "wallet-1", "record-" + i)));
        }
        heldNanos[0] = System.nanoTime() - before;
        return Future.join(sends).transform(all -> {
          for (Future<RecordMetadata> send : sends) {
            if (send.succeeded()) {
              return Future.failedFuture(new AssertionError("a record never sent was answered as acknowledged"));
            }
          }
          return Future.succeededFuture(sends.get(0).cause());
        });
      }, Duration.ofSeconds(20));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      // A blocking send would hold the loop for the whole send timeout (2 s) in the first send() alone. Half
      // of it leaves room for the first call's class loading on a starved machine (CI once took 501 ms).
      assertTrue(heldNanos[0] < Duration.ofMillis(1_000).toNanos(),
          "50 sends held the event loop " + heldNanos[0] / 1_000_000 + " ms");
      assertInstanceOf(TimeoutException.class, failure, String.valueOf(failure));
      assertTrue(tookMs >= 1_800 && tookMs < 12_000, "failed after " + tookMs + " ms, the send timeout is 2,000");
    } finally {
      Await.result(producer.close());
    }
  }
}
