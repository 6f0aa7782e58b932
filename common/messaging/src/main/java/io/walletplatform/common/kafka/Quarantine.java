package io.walletplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last place a record that can never be applied goes when the dead-letter topic will not take
 * it: a row in the consuming service's own database with the raw key, value and headers, and the
 * error. Writing it twice (a redelivery) keeps the first row.
 */
public final class Quarantine {

  private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

  static final String INSERT = """
      INSERT INTO quarantined_records (topic, kafka_partition, kafka_offset, record_key, record_value, headers,
                                       error_class, error, consumer)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING""";

  private final Pool pool;
  private final String consumer;

  public Quarantine(Pool pool, String consumer) {
    this.pool = pool;
    this.consumer = consumer;
  }

  public Future<Void> put(KafkaConsumerRecord<String, byte[]> record, Throwable error) {
    JsonArray headers = new JsonArray();
    for (KafkaHeader header : record.headers()) {
      headers.add(new JsonObject().put("key", header.key()).put("value", header.value().getBytes()));
    }
    log.error("quarantining {}-{}@{} key={}: the dead-letter topic did not take it; {}", record.topic(),
        record.partition(), record.offset(), record.key(), error.toString());
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(record.topic(), record.partition(), record.offset(), storable(record.key()),
            record.value() == null ? null : Buffer.buffer(record.value()), headers,
            KafkaConsumerLoop.errorClass(error), storable(String.valueOf(error.getMessage())), consumer))
        .mapEmpty();
  }

  /** PostgreSQL's text refuses NUL, and a record that could not be stored here would be retried for ever. */
  private static String storable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }
}
