package io.walletplatform.infra;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.config.RedisSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaProperties;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Real PostgreSQL, Redis and Kafka servers for development and tests, started only for the
 * ones the configuration does not name ({@code PG_URL}, {@code REDIS_URL},
 * {@code KAFKA_BOOTSTRAP_SERVERS}). {@link #config()} returns the configuration with the
 * started servers filled in; {@link #close()} stops them in reverse order.
 *
 * <p>PostgreSQL and Redis run as child processes; Kafka 3.7 runs in this JVM in KRaft mode
 * (the same version as the kafka-clients that vertx-kafka-client uses, so they share a classpath).
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  /** Where embedded servers keep their data; unset means a temporary directory removed on close. */
  public static final String DATA_DIR = "EMBEDDED_DATA_DIR";
  /** {@code fsync} and {@code synchronous_commit} for embedded PostgreSQL; on unless set to false. */
  public static final String PG_DURABLE = "EMBEDDED_PG_DURABLE";

  /** {@code maxmemory} of embedded Redis; full, it evicts the least recently used keys ({@code allkeys-lru}). */
  public static final String REDIS_MAX_MEMORY = "EMBEDDED_REDIS_MAX_MEMORY";
  /** How long a start waits for the data directory's lock, held by a process that may still be exiting. */
  public static final String LOCK_WAIT_MS = "EMBEDDED_LOCK_WAIT_MS";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

  private final Config config;
  private final List<AutoCloseable> started;
  private final List<Path> temporaryDirectories;

  private EmbeddedInfrastructure(Config config, List<AutoCloseable> started, List<Path> temporaryDirectories) {
    this.config = config;
    this.started = started;
    this.temporaryDirectories = temporaryDirectories;
  }

  /** Starts every server the configuration does not name; blocks until they accept connections. */
  public static EmbeddedInfrastructure startMissing(Config config) {
    List<AutoCloseable> started = new ArrayList<>();
    List<Path> temporary = new ArrayList<>();
    Map<String, String> filled = new HashMap<>();
    Path dataDir = config.find(DATA_DIR).map(Path::of).map(Path::toAbsolutePath).orElse(null);
    try {
      if (dataDir != null) {
        // Held until close (or until this JVM dies): what is recorded in the directory is ours to stop.
        started.add(Orphans.lock(dataDir, config.getMillis(LOCK_WAIT_MS, 10_000, 0, 600_000)));
      }
      if (config.find(PgSettings.URL).isEmpty()) {
        Path postgresDirectory = directory(dataDir, "postgres", temporary);
        if (dataDir != null) {
          Orphans.stopPostgres(postgresDirectory);
        }
        EmbeddedPostgres postgres = startPostgres(postgresDirectory, config.getBoolean(PG_DURABLE, true), 0, false);
        started.add(postgres);
        filled.put(PgSettings.URL, "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort());
      }
      if (config.find(RedisSettings.URL).isEmpty()) {
        int port = FreePorts.pick();
        Path pidFile = null;
        if (dataDir != null) {
          pidFile = dataDir.resolve("redis.pid");
          Orphans.stopRedis(pidFile);
        }
        RedisServer redis = startRedis(port, config.get(REDIS_MAX_MEMORY, "1gb"), pidFile);
        started.add(redis::stop);
        filled.put(RedisSettings.URL, "redis://127.0.0.1:" + port);
      }
      if (config.find(KafkaSettings.BOOTSTRAP_SERVERS).isEmpty()) {
        int port = FreePorts.pick();
        KafkaRaftServer kafka = startKafka(directory(dataDir, "kafka", temporary), port, FreePorts.pick());
        started.add(() -> {
          kafka.shutdown();
          kafka.awaitShutdown();
        });
        filled.put(KafkaSettings.BOOTSTRAP_SERVERS, "127.0.0.1:" + port);
      }
    } catch (IOException | RuntimeException e) {
      EmbeddedInfrastructure partial = new EmbeddedInfrastructure(config, started, temporary);
      partial.close();
      throw new IllegalStateException("embedded infrastructure failed to start", e);
    }
    if (!filled.isEmpty()) {
      log.info("embedded infrastructure started: {}", filled);
    }
    return new EmbeddedInfrastructure(config.withAll(filled), started, temporary);
  }

  /** The configuration with every started server's address filled in. */
  public Config config() {
    return config;
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("embedded server did not stop cleanly", e);
      }
    }
    started.clear();
    for (Path directory : temporaryDirectories) {
      deleteRecursively(directory);
    }
    temporaryDirectories.clear();
  }

  /**
   * A Redis server for what can be rebuilt or lost (balance cache, operationId claims): no
   * persistence, bounded memory, and when full it evicts instead of refusing writes.
   */
  public static RedisServer startRedis(int port, String maxMemory) throws IOException {
    return startRedis(port, maxMemory, null);
  }

  /** @param pidFile where Redis records its pid, so that a later run can stop it if this JVM dies without doing so */
  private static RedisServer startRedis(int port, String maxMemory, Path pidFile) throws IOException {
    var builder = RedisServer.newRedisServer()
        .bind("127.0.0.1")
        .port(port)
        .setting("save \"\"")
        .setting("appendonly no")
        .setting("maxmemory " + maxMemory)
        .setting("maxmemory-policy allkeys-lru");
    if (pidFile != null) {
      builder.setting("pidfile " + pidFile.toAbsolutePath());
    }
    RedisServer redis = builder.build();
    redis.start();
    return redis;
  }

  /** PostgreSQL on the data directory; {@code port} 0 picks a free one; stopped at the latest when the JVM exits. */
  public static EmbeddedPostgres startPostgres(Path dataDirectory, boolean durable, int port) throws IOException {
    return startPostgres(dataDirectory, durable, port, true);
  }

  /**
   * @param stopAtExit whether the library's own JVM shutdown hook stops it. Not for {@link #startMissing}, whose
   *                   owner closes it (the platform after its services have drained): that hook stopped it at a
   *                   SIGTERM while the services were still finishing their batches (each then failed with
   *                   "terminating connection due to administrator command" and was redone at the next start).
   */
  private static EmbeddedPostgres startPostgres(Path dataDirectory, boolean durable, int port, boolean stopAtExit)
      throws IOException {
    String onOff = durable ? "on" : "off";
    var builder = EmbeddedPostgres.builder().setRegisterShutdownHook(stopAtExit);
    if (port > 0) {
      builder.setPort(port);
    }
    return builder
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setServerConfig("fsync", onOff)
        .setServerConfig("synchronous_commit", onOff)
        .setServerConfig("full_page_writes", onOff)
        .setServerConfig("max_connections", "300")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setPGStartupWait(java.time.Duration.ofSeconds(60))
        .start();
  }

  /** A single-node KRaft broker and controller; the same directory and ports restart it with its data. */
  public static KafkaRaftServer startKafka(Path logDirectory, int brokerPort, int controllerPort) {
    Properties properties = new Properties();
    properties.put("process.roles", "broker,controller");
    properties.put("node.id", "1");
    properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    properties.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    properties.put("controller.listener.names", "CONTROLLER");
    properties.put("inter.broker.listener.name", "PLAINTEXT");
    properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    properties.put("log.dirs", logDirectory.toString());
    properties.put("num.partitions", "1");
    properties.put("auto.create.topics.enable", "false");
    properties.put("offsets.topic.replication.factor", "1");
    properties.put("offsets.topic.num.partitions", "4");
    properties.put("transaction.state.log.replication.factor", "1");
    properties.put("transaction.state.log.min.isr", "1");
    properties.put("group.initial.rebalance.delay.ms", "0");
    // Crash tests shorten their consumers' session (KAFKA_SESSION_TIMEOUT_MS) so that a SIGKILLed
    // member's partitions go to its successor sooner; the broker's floor is 6 s by default.
    properties.put("group.min.session.timeout.ms", "1000");
    // After a crash the controller reloads the dead broker's registration with a fresh session and
    // refuses the restarted broker's until that session expires: 9 s by default, then a retry backoff,
    // which held a restart's start ~13 s (issue #35). Broker and controller share this JVM, so a
    // heartbeat is missed only when the whole process stalls for this long.
    properties.put("broker.session.timeout.ms", "3000");
    properties.put("broker.heartbeat.interval.ms", "500");
    properties.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    // The log cleaner (compacting __consumer_offsets) allocates its dedupe buffer on the heap it
    // shares with the platform: 128 MiB by default, a quarter of a 512 MiB heap. 8 MiB is plenty here.
    properties.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    KafkaConfig kafkaConfig = KafkaConfig.fromProps(properties, false);

    if (!Files.exists(logDirectory.resolve("meta.properties"))) {
      MetaProperties meta = StorageTool.buildMetadataProperties(Uuid.randomUuid().toString(), kafkaConfig);
      StorageTool.formatCommand(
          new PrintStream(OutputStream.nullOutputStream()),
          CollectionConverters.asScala(List.of(logDirectory.toString())).toSeq(),
          meta,
          MetadataVersion.LATEST_PRODUCTION,
          true);
    }
    KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
    server.startup();
    return server;
  }

  private static Path directory(Path dataDir, String name, List<Path> temporary) throws IOException {
    if (dataDir != null) {
      return Files.createDirectories(dataDir.resolve(name));
    }
    Path directory = Files.createTempDirectory("wallet-platform-" + name + "-");
    temporary.add(directory);
    return directory;
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not remove {}", directory, e);
    }
  }
}
