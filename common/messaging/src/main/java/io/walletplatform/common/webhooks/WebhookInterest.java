package io.walletplatform.common.webhooks;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.util.VertxLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which principals listen to which event types: what every process that records platform events
 * asks before it writes one, so that nothing is recorded for a principal without a matching
 * subscription and the hot path pays one hash lookup when nobody listens.
 *
 * <p>The webhooks service owns the subscriptions; it publishes each principal's event types to a
 * compacted topic ({@code WEBHOOK_INTEREST_TOPIC}, key: the principal, value:
 * {@code {"eventTypes": [...]}}, no value: nobody listens any more). One reader per Vert.x instance and
 * topic reads it from its beginning and keeps following it, so a recorder never opens the webhooks
 * database. Until the reader has reached the end the topic had at its start, the answer is "yes,
 * record": an event recorded for nobody is dropped by the dispatcher, one not recorded would be lost.
 * A value that cannot be read counts as "every event type" for its principal, for the same reason.
 */
public final class WebhookInterest implements Shareable {

  /** How long a start waits to have read the topic to its end before it goes on recording everything. */
  static final long CATCH_UP_MS = 20_000;

  private static final Logger log = LoggerFactory.getLogger(WebhookInterest.class);
  private static final String EVENT_TYPES = "eventTypes";
  /** The event types of a principal whose value could not be read: everything is recorded for it. */
  private static final Set<String> EVERYTHING = Set.of("*");

  private final Map<String, Set<String>> byPrincipal = new ConcurrentHashMap<>();
  private volatile boolean loaded;
  /** Records read and values that could not be read, so far (one writer: the reader's context). */
  private volatile long records;
  private volatile long unreadable;

  private WebhookInterest() {
  }

  /**
   * The instance's reader of {@code topic} (created compacted if missing), started once per Vert.x
   * instance; the future completes once the reader has caught up with the topic (or after
   * {@link #CATCH_UP_MS}, recording everything until it has).
   */
  public static Future<WebhookInterest> start(Vertx vertx, KafkaSettings kafka, String topic) {
    return VertxLocal.get(vertx, "webhook-interest:" + topic, () -> new Starting(vertx, kafka, topic)).future;
  }

  /**
   * A reader of {@code topic} of its own, which neither creates the topic nor waits to catch up: it
   * follows the topic once it exists (asking every 200 ms until then) and answers "yes, record" until it
   * has read it to the end it had when it was found. For a topic its operators create.
   */
  public static Future<WebhookInterest> follow(Vertx vertx, KafkaSettings kafka, String topic) {
    WebhookInterest interest = new WebhookInterest();
    return vertx.deployVerticle(new Reader(interest, kafka, topic, false), new DeploymentOptions()).map(interest);
  }

  /** Whether an event of {@code type} for {@code principal} must be recorded. */
  public boolean wants(String principal, String type) {
    if (!loaded) {
      return true;
    }
    if (principal == null) {
      return false;
    }
    Set<String> types = byPrincipal.get(principal);
    return types != null && (types == EVERYTHING || types.contains(type));
  }

  /** Whether anyone may listen at all (false: every event can be skipped without looking further). */
  public boolean anyone() {
    return !loaded || !byPrincipal.isEmpty();
  }

  /** Whether the reader has caught up with the topic as it was at its start. */
  public boolean loaded() {
    return loaded;
  }

  /** How many records the reader has applied since its start. */
  public long records() {
    return records;
  }

  /** How many of them held a value that could not be read (their principals get every event). */
  public long unreadable() {
    return unreadable;
  }

  /** The event types each principal listens to as read so far (an unreadable value reads as {@code ["*"]}). */
  public Map<String, Set<String>> snapshot() {
    return Map.copyOf(byPrincipal);
  }

  /** The value published for a principal that listens to {@code eventTypes}: sorted, so equal sets are equal records. */
  public static String encode(Set<String> eventTypes) {
    return new JsonObject().put(EVENT_TYPES, new JsonArray(new TreeSet<>(eventTypes).stream().toList())).encode();
  }

  /** The event types of a published value; refuses anything but an object with an array of strings. */
  static Set<String> decode(String value) {
    try {
      JsonArray types = new JsonObject(value).getJsonArray(EVENT_TYPES);
      if (types == null) {
        throw new InvalidRecordException("no " + EVENT_TYPES);
      }
      Set<String> decoded = new HashSet<>();
      for (Object type : types) {
        if (!(type instanceof String text)) {
          throw new InvalidRecordException(EVENT_TYPES + " holds a " + (type == null ? "null" : "non-string"));
        }
        decoded.add(text);
      }
      return Set.copyOf(decoded);
    } catch (ClassCastException | io.vertx.core.json.DecodeException error) {
      throw new InvalidRecordException("not an interest record: " + error.getMessage());
    }
  }

  private void apply(KafkaConsumerRecord<String, String> record) {
    records++;
    String principal = record.key();
    if (principal == null) {
      log.warn("webhook interest record without a principal at {}-{}@{}, skipped", record.topic(), record.partition(),
          record.offset());
      return;
    }
    if (record.value() == null) {
      byPrincipal.remove(principal);
      return;
    }
    try {
      byPrincipal.put(principal, decode(record.value()));
    } catch (InvalidRecordException error) {
      log.warn("webhook interest of {} at {}-{}@{} unreadable ({}): recording every event for it", principal,
          record.topic(), record.partition(), record.offset(), error.getMessage());
      unreadable++;
      byPrincipal.put(principal, EVERYTHING);
    }
  }

  private static final class Starting implements Shareable {
    final Future<WebhookInterest> future;

    Starting(Vertx vertx, KafkaSettings kafka, String topic) {
      WebhookInterest interest = new WebhookInterest();
      future = KafkaClients.ensureCompactedTopic(vertx, kafka, topic)
          .compose(ignored -> vertx.deployVerticle(new Reader(interest, kafka, topic, true), new DeploymentOptions()))
          .map(interest);
    }
  }

  /**
   * Follows the topic with its own poll loop (not the consumer's stream: a position read after a poll
   * whose records are all applied is exact, so "caught up" never runs ahead of what was applied);
   * a verticle of its own, so its consumer lives as long as the instance.
   */
  private static final class Reader extends VerticleBase {
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(500);

    private final WebhookInterest interest;
    private final KafkaSettings kafka;
    private final String topic;
    private KafkaConsumer<String, String> consumer;
    /** The end offsets at the start still to be reached; empty once caught up. */
    private final Map<TopicPartition, Long> toReach = new HashMap<>();
    private final Promise<Void> caughtUp = Promise.promise();
    private boolean stopping;
    private Future<Void> polling = Future.succeededFuture();

    private final boolean waitToCatchUp;

    Reader(WebhookInterest interest, KafkaSettings kafka, String topic, boolean waitToCatchUp) {
      this.interest = interest;
      this.kafka = kafka;
      this.topic = topic;
      this.waitToCatchUp = waitToCatchUp;
    }

    @Override
    public Future<?> start() {
      Map<String, String> config = KafkaClients.readerConfig(kafka, "webhook-interest");
      config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      consumer = KafkaConsumer.create(vertx, KafkaClients.options(config));
      vertx.setTimer(CATCH_UP_MS, id -> {
        if (caughtUp.tryComplete()) {
          log.warn("webhook interest: {} not read to its end in {} ms; recording every event until it is", topic,
              CATCH_UP_MS);
        }
      });
      assign().onSuccess(ends -> {
        ends.forEach((partition, end) -> {
          if (end > 0) {
            toReach.put(partition, end);
          }
        });
        Promise<Void> loop = Promise.promise();
        polling = loop.future();
        poll(loop);
      });
      return waitToCatchUp ? caughtUp.future() : Future.succeededFuture();
    }

    /**
     * Assigns every partition of the topic, read from its beginning; the end offsets they had. A topic
     * created a moment ago may not be in the metadata yet (no partitions): asked again until it is, since
     * a reader assigned nothing would read nothing for ever.
     */
    private Future<Map<TopicPartition, Long>> assign() {
      Promise<Map<TopicPartition, Long>> assigned = Promise.promise();
      assign(assigned);
      return assigned.future();
    }

    private void assign(Promise<Map<TopicPartition, Long>> assigned) {
      if (stopping) {
        assigned.tryFail("stopping");
        return;
      }
      consumer.partitionsFor(topic)
          .compose(partitions -> {
            if (partitions.isEmpty()) {
              return Future.failedFuture("no partitions in the metadata yet");
            }
            Set<TopicPartition> all = partitions.stream().map(PartitionInfo::getPartition)
                .map(partition -> new TopicPartition(topic, partition)).collect(Collectors.toSet());
            return consumer.assign(all)
                .compose(ignored -> consumer.seekToBeginning(all))
                .compose(ignored -> consumer.endOffsets(all));
          })
          .onSuccess(assigned::tryComplete)
          .onFailure(error -> {
            log.debug("webhook interest: {} not readable yet ({}), asking again", topic, error.toString());
            vertx.setTimer(200, id -> assign(assigned));
          });
    }

    private void poll(Promise<Void> loop) {
      if (stopping) {
        loop.complete();
        return;
      }
      consumer.poll(POLL)
          .compose(records -> {
            for (int i = 0; i < records.size(); i++) {
              interest.apply(records.recordAt(i));
            }
            return caughtUpYet();
          })
          .onComplete(done -> {
            if (done.failed()) {
              log.warn("webhook interest reader: {}", done.cause().toString());
              vertx.setTimer(1_000, id -> poll(loop));
            } else {
              poll(loop);
            }
          });
    }

    /** Caught up once every partition's position has reached the end it had at the start. */
    private Future<Void> caughtUpYet() {
      if (interest.loaded) {
        return Future.succeededFuture();
      }
      return Future.all(List.copyOf(toReach.keySet()).stream().map(partition -> consumer.position(partition)
              .onSuccess(position -> {
                if (position >= toReach.get(partition)) {
                  toReach.remove(partition);
                }
              })).toList())
          .onSuccess(ignored -> {
            if (toReach.isEmpty()) {
              interest.loaded = true;
              caughtUp.tryComplete();
              log.info("webhook interest: {} read to its end ({} records; {} principals listen)", topic,
                  interest.records, interest.byPrincipal.size());
            }
          })
          .mapEmpty();
    }

    @Override
    public Future<?> stop() {
      stopping = true;
      return polling.eventually(consumer::close);
    }
  }
}
