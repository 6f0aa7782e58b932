package io.walletplatform.infra.testing;

import io.walletplatform.common.config.Config;
import io.walletplatform.infra.EmbeddedInfrastructure;
import io.walletplatform.infra.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import kafka.server.KafkaRaftServer;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * PostgreSQL, Redis and Kafka of their own for a fault-injection test, each of which can be stopped
 * and started again on the same port and, for PostgreSQL and Kafka, the same data: a broker restart
 * or a database restart as an operator (or a crash and a supervisor) would cause it.
 */
public final class RestartableInfrastructure implements AutoCloseable {

  private final Path root;
  private final int postgresPort;
  private final int redisPort;
  private final int kafkaPort;
  private final int controllerPort;
  private EmbeddedPostgres postgres;
  private RedisServer redis;
  private KafkaRaftServer kafka;

  private RestartableInfrastructure(Path root) throws IOException {
    this.root = root;
    this.postgresPort = FreePorts.pick();
    this.redisPort = FreePorts.pick();
    this.kafkaPort = FreePorts.pick();
    this.controllerPort = FreePorts.pick();
  }

  public static RestartableInfrastructure start() {
    try {
      RestartableInfrastructure infrastructure = new RestartableInfrastructure(Files.createTempDirectory("faults-"));
      infrastructure.startPostgres();
      infrastructure.startRedis();
      infrastructure.startKafka();
      return infrastructure;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Config config() {
    return Config.of(Map.of(
        "PG_URL", "postgresql://postgres:postgres@127.0.0.1:" + postgresPort,
        "REDIS_URL", "redis://127.0.0.1:" + redisPort,
        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort));
  }

  public synchronized void startPostgres() {
    try {
      postgres = EmbeddedInfrastructure.startPostgres(Files.createDirectories(root.resolve("postgres")), true, postgresPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void stopPostgres() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void startRedis() {
    try {
      redis = EmbeddedInfrastructure.startRedis(redisPort, "256mb");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void stopRedis() {
    try {
      redis.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void startKafka() {
    try {
      kafka = EmbeddedInfrastructure.startKafka(Files.createDirectories(root.resolve("kafka")), kafkaPort, controllerPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void stopKafka() {
    kafka.shutdown();
    kafka.awaitShutdown();
  }

  @Override
  public void close() {
    for (Runnable stop : new Runnable[] {this::stopKafka, this::stopRedis, this::stopPostgres}) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        // already stopped
      }
    }
  }
}
