package io.walletplatform.platform;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.kafka.DeadLetters;
import io.walletplatform.common.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's command for dead letters ({@code <topic>.dlt}):
 * <pre>
 *   java -cp platform.jar io.walletplatform.platform.DeadLetterMain list   wallet.operations.dlt
 *   java -cp platform.jar io.walletplatform.platform.DeadLetterMain replay wallet.operations.dlt
 * </pre>
 * {@code list} prints every dead letter with its error and origin, and whether it was replayed;
 * {@code replay} sends every dead letter not replayed yet back to the topic it came from (same key,
 * value and headers, without the error headers) and remembers how far it got in the consumer group
 * {@code dead-letter-replay}, so running it twice replays nothing twice. Replaying is safe: every
 * consumer is idempotent (operationId, event-id), so a record that was in fact processed is skipped.
 * Wallet-operation dead letters ({@code wallet.operations.dlt}) are final and are never replayed: each
 * was recorded FAILED / PROCESSING_FAILED (or could not be decoded), and a replay would land at the
 * tail of its wallet's partition, after everything accepted since. Kafka is {@code KAFKA_BOOTSTRAP_SERVERS}.
 */
public final class DeadLetterMain {

  static final String REPLAY_GROUP = "dead-letter-replay";
  static final String WALLET_OPERATIONS_ARE_FINAL = "wallet operations that could never be applied are final: each "
      + "was recorded FAILED / PROCESSING_FAILED (or could not be decoded), and a replay would apply it after "
      + "everything accepted since, out of order. Submit a new operation instead (list shows what each one was).";
  private static final Set<String> ERROR_HEADERS = Set.of(KafkaClients.ERROR_HEADER, KafkaClients.ERROR_CLASS_HEADER,
      "original-topic", "original-partition", "original-offset");

  private DeadLetterMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, Config.fromEnvironment(), System.out));
  }

  static int run(String[] args, Config config, PrintStream out) {
    if (args.length != 2 || !Set.of("list", "replay").contains(args[0]) || !args[1].endsWith(".dlt")) {
      out.println("usage: DeadLetterMain list|replay <topic>.dlt");
      return 2;
    }
    if (args[0].equals("replay") && args[1].equals(DeadLetters.topicFor(QuarantineMain.walletOperationsTopic(config)))) {
      out.println("refusing to replay " + args[1] + ": " + WALLET_OPERATIONS_ARE_FINAL);
      return 2;
    }
    String bootstrap = KafkaSettings.from(config).bootstrapServers();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = consumer.partitionsFor(args[1], Duration.ofSeconds(10)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      if (partitions.isEmpty()) {
        out.println("no topic " + args[1]);
        return 1;
      }
      consumer.assign(partitions);
      Map<TopicPartition, OffsetAndMetadata> replayed = consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(10));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      List<ConsumerRecord<byte[], byte[]>> letters = readAll(consumer, partitions, end);
      return args[0].equals("list") ? list(letters, replayed, out) : replay(bootstrap, consumer, letters, replayed, out);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, REPLAY_GROUP,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConsumer<byte[], byte[]> consumer,
                                                             List<TopicPartition> partitions,
                                                             Map<TopicPartition, Long> end) {
    consumer.seekToBeginning(partitions);
    List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 60_000;
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
      consumer.poll(Duration.ofMillis(500)).forEach(letters::add);
    }
    return letters;
  }

  private static boolean wasReplayed(ConsumerRecord<byte[], byte[]> letter, Map<TopicPartition, OffsetAndMetadata> replayed) {
    OffsetAndMetadata committed = replayed.get(new TopicPartition(letter.topic(), letter.partition()));
    return committed != null && letter.offset() < committed.offset();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static int list(List<ConsumerRecord<byte[], byte[]>> letters, Map<TopicPartition, OffsetAndMetadata> replayed,
                          PrintStream out) {
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      out.printf("%s-%d@%d key=%s from=%s-%s@%s %s error-class=%s error=%s%n  value=%s%n", letter.topic(),
          letter.partition(), letter.offset(), letter.key() == null ? null : new String(letter.key(), StandardCharsets.UTF_8),
          header(letter, "original-topic"), header(letter, "original-partition"), header(letter, "original-offset"),
          wasReplayed(letter, replayed) ? "REPLAYED" : "NOT-REPLAYED", header(letter, KafkaClients.ERROR_CLASS_HEADER),
          header(letter, KafkaClients.ERROR_HEADER),
          letter.value() == null ? null : new String(letter.value(), StandardCharsets.UTF_8));
    }
    out.println(letters.size() + " dead letters");
    return 0;
  }

  private static int replay(String bootstrap, KafkaConsumer<byte[], byte[]> consumer,
                            List<ConsumerRecord<byte[], byte[]>> letters, Map<TopicPartition, OffsetAndMetadata> replayed,
                            PrintStream out) {
    Map<String, Object> producerConfig = new HashMap<>(KafkaClients.producerConfig(
        new KafkaSettings(bootstrap, 1, (short) 1, Duration.ofSeconds(10), Duration.ofMinutes(5)), "dead-letter-replay"));
    producerConfig.put("key.serializer", ByteArraySerializer.class.getName());
    producerConfig.put("value.serializer", ByteArraySerializer.class.getName());
    int sent = 0;
    Map<TopicPartition, OffsetAndMetadata> progress = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
      for (ConsumerRecord<byte[], byte[]> letter : letters) {
        if (wasReplayed(letter, replayed)) {
          continue;
        }
        String origin = header(letter, "original-topic");
        if (origin == null) {
          out.printf("skipping %s-%d@%d: no original-topic header%n", letter.topic(), letter.partition(), letter.offset());
          continue;
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(origin, letter.key(), letter.value());
        for (Header header : letter.headers()) {
          if (!ERROR_HEADERS.contains(header.key())) {
            record.headers().add(header);
          }
        }
        record.headers().add("replayed-from", (letter.topic() + "-" + letter.partition() + "@" + letter.offset())
            .getBytes(StandardCharsets.UTF_8));
        try {
          producer.send(record).get();
        } catch (Exception e) {
          out.println("replay stopped at " + letter.topic() + "-" + letter.partition() + "@" + letter.offset() + ": " + e);
          consumer.commitSync(progress);
          return 1;
        }
        progress.put(new TopicPartition(letter.topic(), letter.partition()), new OffsetAndMetadata(letter.offset() + 1));
        sent++;
      }
    }
    consumer.commitSync(progress);
    out.println("replayed " + sent + " dead letters");
    return 0;
  }
}
