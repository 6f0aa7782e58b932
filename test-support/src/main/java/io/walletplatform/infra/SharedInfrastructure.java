package io.walletplatform.infra;

import io.walletplatform.common.config.Config;

/**
 * One set of embedded servers per JVM, started on first use and stopped when the JVM exits:
 * what test classes share so that each pays the start-up once. Tests isolate themselves with
 * fresh database names, topics and Redis key prefixes, never by restarting servers.
 */
public final class SharedInfrastructure {

  private static EmbeddedInfrastructure infrastructure;

  private SharedInfrastructure() {
  }

  public static synchronized Config config() {
    if (infrastructure == null) {
      Config base = Config.fromEnvironment().with(EmbeddedInfrastructure.PG_DURABLE,
          Config.fromEnvironment().get(EmbeddedInfrastructure.PG_DURABLE, "false"));
      infrastructure = EmbeddedInfrastructure.startMissing(base);
      Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "embedded-infrastructure-stop"));
    }
    return infrastructure.config();
  }
}
