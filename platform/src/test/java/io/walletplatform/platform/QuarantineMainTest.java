package io.walletplatform.platform;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.kafka.Quarantine;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.migrations.Migrations;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's commands for what could never be applied: quarantined inbox records are listed and
 * replayed once; wallet operations, final once parked, are listed and never replayed, from the
 * quarantine or from their dead-letter topic.
 */
class QuarantineMainTest {

  private static Vertx vertx;
  private static Config config;
  private static KafkaSettings kafka;
  private static final String TOPIC = "quarantine.test." + UUID.randomUUID();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config = IsolatedConfig.create("quarantine");
    kafka = KafkaSettings.from(config);
    Await.result(Migrations.migrate(vertx, PgSettings.from(config, "PAYMENTS_DB_NAME", "payments"), Migrations.PAYMENTS));
    Await.result(Migrations.migrate(vertx, PgSettings.from(config, "WALLET_DB_NAME", "wallet"), Migrations.WALLET));
    Await.result(KafkaClients.ensureTopics(vertx, kafka, List.of(TOPIC, QuarantineMain.walletOperationsTopic(config))));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static Result run(Class<?> main, String... args) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    int code = main == QuarantineMain.class ? QuarantineMain.run(args, config, out) : DeadLetterMain.run(args, config, out);
    return new Result(code, output.toString(StandardCharsets.UTF_8));
  }

  private record Result(int code, String output) {
  }

  /** A new consumer group's reader of the topic, collecting the records with this key. */
  private static KafkaConsumer<String, byte[]> reader(String topic, String key, List<KafkaConsumerRecord<String, byte[]>> read) {
    KafkaConsumer<String, byte[]> reader = KafkaConsumer.create(vertx,
        KafkaClients.consumerConfig(kafka, "reader-" + UUID.randomUUID(), "reader", 100));
    reader.handler(record -> {
      if (key.equals(record.key())) {
        read.add(record);
      }
    });
    Await.result(reader.subscribe(topic));
    return reader;
  }

  /** Produces a record to the topic and reads it back, as a consumer would have received it. */
  private static KafkaConsumerRecord<String, byte[]> received(String topic, String key, String value, UUID eventId) {
    List<KafkaConsumerRecord<String, byte[]>> read = new CopyOnWriteArrayList<>();
    KafkaConsumer<String, byte[]> reader = reader(topic, key, read);
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaClients.producerConfig(kafka, "test"));
    Await.result(producer.send(KafkaProducerRecord.create(topic, key, value)
        .addHeader(KafkaClients.EVENT_ID_HEADER, eventId.toString())));
    Await.until("the record is read", Duration.ofSeconds(30), () -> !read.isEmpty());
    Await.result(reader.close());
    Await.result(producer.close());
    return read.get(0);
  }

  @Test
  void aQuarantinedInboxRecordIsListedAndReplayedToItsTopicExactlyOnce() {
    String key = "key-" + UUID.randomUUID();
    UUID eventId = UUID.randomUUID();
    KafkaConsumerRecord<String, byte[]> original = received(TOPIC, key, "{\"n\":1}", eventId);
    Pool payments = PgPools.create(vertx, PgSettings.from(config, "PAYMENTS_DB_NAME", "payments"), "test");
    Await.result(new Quarantine(payments, "payments-inbox").put(original,
        new PgException("bad amount", "ERROR", "22003", null)));

    Result listed = run(QuarantineMain.class, "list", "payments");
    assertEquals(0, listed.code(), listed.output());
    assertTrue(listed.output().contains("key=" + key) && listed.output().contains("NOT-REPLAYED")
        && listed.output().contains("error-class=PgException") && listed.output().contains("value={\"n\":1}"),
        listed.output());

    List<KafkaConsumerRecord<String, byte[]>> replayed = new CopyOnWriteArrayList<>();
    reader(TOPIC, key, replayed);
    Result first = run(QuarantineMain.class, "replay", "payments");
    assertEquals(0, first.code(), first.output());
    assertTrue(first.output().contains("replayed 1 quarantined records"), first.output());
    Await.until("the original and its replay are on the topic", Duration.ofSeconds(30), () -> replayed.size() == 2);
    KafkaConsumerRecord<String, byte[]> copy = replayed.get(1);
    assertEquals("{\"n\":1}", new String(copy.value(), StandardCharsets.UTF_8));
    assertEquals(eventId.toString(), copy.headers().stream().filter(h -> h.key().equals(KafkaClients.EVENT_ID_HEADER))
        .findFirst().orElseThrow().value().toString(), "the same event-id: the inbox absorbs a second copy");
    assertTrue(copy.headers().stream().anyMatch(h -> h.key().equals("replayed-from")));

    Result second = run(QuarantineMain.class, "replay", "payments");
    assertTrue(second.output().contains("replayed 0 quarantined records"), second.output());
    assertTrue(run(QuarantineMain.class, "list", "payments").output().contains(" REPLAYED "));
  }

  @Test
  void walletOperationsThatCouldNeverBeAppliedAreListedButNeverReplayed() {
    String walletTopic = QuarantineMain.walletOperationsTopic(config);
    String key = UUID.randomUUID().toString();
    KafkaConsumerRecord<String, byte[]> original = received(walletTopic, key, "{\"poison\":true}", UUID.randomUUID());
    Pool wallet = PgPools.create(vertx, PgSettings.from(config, "WALLET_DB_NAME", "wallet"), "test");
    Await.result(new Quarantine(wallet, "operation-worker-0").put(original,
        new PgException("poison", "ERROR", "22023", null)));

    Result listed = run(QuarantineMain.class, "list", "wallet");
    assertEquals(0, listed.code(), listed.output());
    assertTrue(listed.output().contains("key=" + key), listed.output());
    Result fromQuarantine = run(QuarantineMain.class, "replay", "wallet");
    assertEquals(2, fromQuarantine.code(), fromQuarantine.output());
    assertTrue(fromQuarantine.output().contains("final"), fromQuarantine.output());
    Result fromTopic = run(DeadLetterMain.class, "replay", DeadLetters.topicFor(walletTopic));
    assertEquals(2, fromTopic.code(), fromTopic.output());
    assertTrue(fromTopic.output().contains("refusing to replay") && fromTopic.output().contains("out of order"),
        fromTopic.output());
  }
}
