package io.walletplatform.infra;

import io.walletplatform.common.config.Config;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EmbeddedInfrastructureTest {

  @Test
  void serversNamedByTheEnvironmentAreUsedAndNothingEmbeddedStarts() {
    Map<String, String> external = Map.of(
        "PG_URL", "postgresql://app:secret@db.example:5432",
        "REDIS_URL", "redis://cache.example:6379",
        "KAFKA_BOOTSTRAP_SERVERS", "broker.example:9092");
    long before = ProcessHandle.current().descendants().count();
    try (EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.startMissing(Config.of(external))) {
      for (Map.Entry<String, String> entry : external.entrySet()) {
        assertEquals(entry.getValue(), infrastructure.config().get(entry.getKey(), null));
      }
      assertEquals(before, ProcessHandle.current().descendants().count(), "no server process was started");
    }
  }
}
