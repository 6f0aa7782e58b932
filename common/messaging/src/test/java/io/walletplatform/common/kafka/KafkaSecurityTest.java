package io.walletplatform.common.kafka;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The brokers' SASL/TLS settings reach every client the services create, and nothing is set when none are configured. */
class KafkaSecurityTest {

  @Test
  void saslSettingsFromTheEnvironmentReachProducersAndConsumers() {
    KafkaSettings settings = KafkaSettings.from(Config.of(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
        "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"wallet-api\" password=\"x\";")));
    for (Map<String, String> client : java.util.List.of(KafkaClients.producerConfig(settings, "p"),
        KafkaClients.consumerConfig(settings, "g", "c", 100))) {
      assertEquals("SASL_SSL", client.get("security.protocol"));
      assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"));
      assertEquals(settings.security().get("sasl.jaas.config"), client.get("sasl.jaas.config"));
    }
    KafkaSettings plain = KafkaSettings.from(Config.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")));
    assertFalse(KafkaClients.producerConfig(plain, "p").containsKey("security.protocol"));
  }
}
