package io.walletplatform.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's command for the quarantine: records that could never be applied and that the
 * dead-letter topic would not take either, kept in the consuming service's database.
 * <pre>
 *   java -cp platform.jar io.walletplatform.platform.QuarantineMain list   wallet|payments|orders
 *   java -cp platform.jar io.walletplatform.platform.QuarantineMain replay payments|orders
 * </pre>
 * {@code list} prints every quarantined record with its origin, error and whether it was replayed.
 * {@code replay} sends each one not replayed yet back to its topic (same key, value and headers,
 * plus {@code replayed-from}) and marks it, so a second run replays nothing twice; the inboxes are
 * idempotent. Wallet operations are final: each one quarantined was recorded FAILED /
 * PROCESSING_FAILED, and replaying it would apply it after everything accepted since, out of order;
 * they are listed, never replayed. PostgreSQL is {@code PG_URL} and the database variables of the
 * services; Kafka is {@code KAFKA_BOOTSTRAP_SERVERS}.
 */
public final class QuarantineMain {

  private static final Map<String, String[]> DATABASES = Map.of(
      "wallet", new String[] {"WALLET_DB_NAME", "wallet"},
      "payments", new String[] {"PAYMENTS_DB_NAME", "payments"},
      "orders", new String[] {"ORDERS_DB_NAME", "orders"});

  private QuarantineMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, Config.fromEnvironment(), System.out));
  }

  static int run(String[] args, Config config, PrintStream out) {
    if (args.length != 2 || !List.of("list", "replay").contains(args[0]) || !DATABASES.containsKey(args[1])) {
      out.println("usage: QuarantineMain list wallet|payments|orders");
      out.println("       QuarantineMain replay payments|orders");
      return 2;
    }
    if (args[0].equals("replay") && args[1].equals("wallet")) {
      out.println(DeadLetterMain.WALLET_OPERATIONS_ARE_FINAL);
      return 2;
    }
    String[] database = DATABASES.get(args[1]);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgPools.create(vertx, PgSettings.from(config, database[0], database[1]), "quarantine-main");
    try {
      List<Row> rows = new ArrayList<>();
      await(pool.query("SELECT * FROM quarantined_records ORDER BY id").execute()).forEach(rows::add);
      if (args[0].equals("list")) {
        rows.forEach(row -> out.printf("#%d %s-%d@%d key=%s consumer=%s %s at %s error-class=%s error=%s%n  value=%s%n",
            row.getLong("id"), row.getString("topic"), row.getInteger("kafka_partition"), row.getLong("kafka_offset"),
            row.getString("record_key"), row.getString("consumer"),
            row.getValue("replayed_at") == null ? "NOT-REPLAYED" : "REPLAYED", row.getOffsetDateTime("quarantined_at"),
            row.getString("error_class"), row.getString("error"), value(row)));
        out.println(rows.size() + " quarantined records");
        return 0;
      }
      return replay(pool, rows, KafkaSettings.from(config), walletOperationsTopic(config), out);
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }

  private static int replay(Pool pool, List<Row> rows, KafkaSettings kafka, String walletTopic, PrintStream out) {
    Map<String, Object> producerConfig = new HashMap<>(KafkaClients.producerConfig(kafka, "quarantine-replay"));
    producerConfig.put("key.serializer", ByteArraySerializer.class.getName());
    producerConfig.put("value.serializer", ByteArraySerializer.class.getName());
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
      for (Row row : rows) {
        if (row.getValue("replayed_at") != null) {
          continue;
        }
        long id = row.getLong("id");
        String topic = row.getString("topic");
        if (topic.equals(walletTopic)) {
          out.printf("not replaying #%d: %s%n", id, DeadLetterMain.WALLET_OPERATIONS_ARE_FINAL);
          continue;
        }
        String key = row.getString("record_key");
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            row.getBuffer("record_value") == null ? null : row.getBuffer("record_value").getBytes());
        JsonArray headers = row.getJsonArray("headers");
        for (int i = 0; i < headers.size(); i++) {
          JsonObject header = headers.getJsonObject(i);
          record.headers().add(header.getString("key"), header.getBinary("value"));
        }
        record.headers().add("replayed-from", ("quarantine#" + id).getBytes(StandardCharsets.UTF_8));
        try {
          producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          out.println("replay stopped at #" + id + ": " + e);
          return 1;
        }
        await(pool.preparedQuery("UPDATE quarantined_records SET replayed_at = now() WHERE id = $1").execute(Tuple.of(id)));
        sent++;
      }
    }
    out.println("replayed " + sent + " quarantined records");
    return 0;
  }

  static String walletOperationsTopic(Config config) {
    return config.get("WALLET_OPERATIONS_TOPIC", "wallet.operations");
  }

  private static String value(Row row) {
    return row.getBuffer("record_value") == null ? null
        : new String(row.getBuffer("record_value").getBytes(), StandardCharsets.UTF_8);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
