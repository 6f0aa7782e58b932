package io.walletplatform.platform;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's dead-letter command against a real broker: list, replay once, never twice. */
class DeadLetterMainTest {

  private static Vertx vertx;
  private static Config config;
  private static KafkaSettings kafka;
  private static final String TOPIC = "replay.test." + UUID.randomUUID();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config = IsolatedConfig.create("deadletters");
    kafka = KafkaSettings.from(config);
    Await.result(KafkaClients.ensureTopics(vertx, kafka, List.of(TOPIC, DeadLetters.topicFor(TOPIC))));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static String run(String command) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int code = DeadLetterMain.run(new String[] {command, DeadLetters.topicFor(TOPIC)}, config,
        new PrintStream(output, true, StandardCharsets.UTF_8));
    String text = output.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    return text;
  }

  @Test
  void deadLettersAreListedWithTheirErrorAndReplayedToTheirTopicExactlyOnce() {
    List<KafkaConsumerRecord<String, byte[]>> original = new CopyOnWriteArrayList<>();
    KafkaConsumer<String, byte[]> reader = KafkaConsumer.create(vertx,
        KafkaClients.consumerConfig(kafka, "reader-" + UUID.randomUUID(), "reader", 100));
    reader.handler(original::add);
    Await.result(reader.subscribe(TOPIC));
    UUID eventId = UUID.randomUUID();
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(kafka, "test"));
    Await.result(producer.send(KafkaProducerRecord.create(TOPIC, "key-1", "{\"n\":1}")
        .addHeader(KafkaClients.EVENT_ID_HEADER, eventId.toString())));
    Await.until("the record is read", Duration.ofSeconds(30), () -> original.size() == 1);
    DeadLetters deadLetters = DeadLetters.create(vertx, kafka, "test-dlt");
    Await.result(deadLetters.send(original.get(0), "IllegalStateException", "it always fails"));

    String listed = run("list");
    assertTrue(listed.contains("key=key-1") && listed.contains("NOT-REPLAYED") && listed.contains("error=it always fails")
        && listed.contains("from=" + TOPIC + "-"), listed);
    assertTrue(listed.contains("1 dead letters"), listed);

    assertTrue(run("replay").contains("replayed 1 dead letters"));
    Await.until("the replayed record is back on its topic", Duration.ofSeconds(30), () -> original.size() == 2);
    KafkaConsumerRecord<String, byte[]> replayed = original.get(1);
    assertEquals("key-1", replayed.key());
    assertEquals("{\"n\":1}", new String(replayed.value(), StandardCharsets.UTF_8));
    Map<String, String> headers = new java.util.HashMap<>();
    replayed.headers().forEach(h -> headers.put(h.key(), h.value().toString()));
    assertEquals(eventId.toString(), headers.get(KafkaClients.EVENT_ID_HEADER), "same event-id: consumers dedupe it");
    assertNull(headers.get(KafkaClients.ERROR_HEADER), "the error headers stay behind");
    assertTrue(headers.containsKey("replayed-from"));

    String after = run("list");
    assertTrue(after.contains(" REPLAYED") && !after.contains("NOT-REPLAYED"), after);
    assertTrue(run("replay").contains("replayed 0 dead letters"), "running it again replays nothing twice");
  }
}
