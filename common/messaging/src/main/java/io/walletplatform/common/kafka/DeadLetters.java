package io.walletplatform.common.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that can never be processed to {@code <topic>.dlt}: same key, value and headers,
 * plus the error and where the record came from.
 */
public final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final KafkaProducer<String, byte[]> producer;

  public DeadLetters(KafkaProducer<String, byte[]> producer) {
    this.producer = producer;
  }

  public static String topicFor(String topic) {
    return topic + ".dlt";
  }

  public Future<Void> send(KafkaConsumerRecord<String, byte[]> original, String errorClass, String error) {
    KafkaProducerRecord<String, byte[]> record = KafkaProducerRecord
        .create(topicFor(original.topic()), original.key(), original.value());
    for (KafkaHeader header : original.headers()) {
      record.addHeader(header);
    }
    record.addHeader(KafkaClients.ERROR_HEADER, error == null ? "unknown" : error)
        .addHeader(KafkaClients.ERROR_CLASS_HEADER, errorClass)
        .addHeader("original-topic", original.topic())
        .addHeader("original-partition", Integer.toString(original.partition()))
        .addHeader("original-offset", Long.toString(original.offset()));
    log.warn("dead-lettering {}-{}@{} key={}: {} {}", original.topic(), original.partition(), original.offset(),
        original.key(), errorClass, error);
    return producer.send(record).mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }

  /** A producer for dead letters, shared per broker list within one Vert.x instance. */
  public static DeadLetters create(io.vertx.core.Vertx vertx, io.walletplatform.common.config.KafkaSettings settings,
                                   String clientId) {
    java.util.Map<String, String> config = KafkaClients.producerConfig(settings, clientId);
    config.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return new DeadLetters(KafkaProducer.createShared(vertx, clientId + "@" + settings.bootstrapServers(),
        KafkaClients.options(config)));
  }
}
