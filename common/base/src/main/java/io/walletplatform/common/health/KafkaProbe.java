package io.walletplatform.common.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.walletplatform.common.config.KafkaSettings;

import java.util.HashMap;
import java.util.Map;

/** The broker's health probe: an admin client with short timeouts, so a probe of a dead broker fails fast. */
public final class KafkaProbe {

  private KafkaProbe() {
  }

  /** An admin client for health probes. */
  public static KafkaAdminClient admin(Vertx vertx, KafkaSettings settings) {
    Map<String, String> config = new HashMap<>(settings.security());
    config.putAll(Map.of(
        "bootstrap.servers", settings.bootstrapServers(),
        "request.timeout.ms", "2000",
        "default.api.timeout.ms", "2000"));
    return KafkaAdminClient.create(vertx, config);
  }

  /** A health probe: the cluster answers a metadata request. */
  public static Future<?> probe(KafkaAdminClient admin) {
    return admin.describeCluster();
  }
}
